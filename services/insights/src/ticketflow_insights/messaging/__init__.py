"""Insights' messaging."""
