"""Insights' commands."""
