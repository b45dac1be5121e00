"""Insights' outbound I/O other than its database: reading topics from their beginning."""
