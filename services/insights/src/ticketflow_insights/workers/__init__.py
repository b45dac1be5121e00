"""Insights' workers."""
