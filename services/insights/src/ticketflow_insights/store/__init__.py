"""Insights' store."""
