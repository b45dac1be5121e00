"""Insights' api."""
