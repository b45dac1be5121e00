"""Arrivals are stored per 15 minutes; 30 and 60 minutes are sums of aligned 15-minute buckets."""

from datetime import UTC, datetime, timedelta

BUCKET_MINUTES = 15
INTERVAL_MINUTES = (15, 30, 60)
"""The intervals the API sums buckets into; each a multiple of the bucket."""
ARRIVAL_DIMENSIONS = ("team", "channel", "category", "priority")
NONE = ""
"""How a ticket without a team or category is counted (the arrivals key has no NULLs)."""
EPOCH = datetime(2000, 1, 3, tzinfo=UTC)
"""Intervals are aligned on UTC multiples of their length from a Monday midnight."""


def interval_start(at: datetime, minutes: int = BUCKET_MINUTES) -> datetime:
    """The start of the `minutes`-long interval `at` falls in (UTC)."""
    width = timedelta(minutes=minutes)
    return EPOCH + ((at.astimezone(UTC) - EPOCH) // width) * width


def dimension_value(value: str | None) -> str:
    return NONE if value is None else value
