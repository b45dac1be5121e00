"""A calendar's holidays as the days they cover: what the forecasts need to know."""

from collections.abc import Iterable
from datetime import date, timedelta

MAX_HOLIDAY_DAYS = 366
"""A longer range is a data error: it is cut rather than expanded into years of days."""


def holiday_dates(ranges: Iterable[tuple[date, date]]) -> list[date]:
    """Every day from each range's first to last day (inclusive), sorted, each once."""
    days: set[date] = set()
    for first, last in ranges:
        span = min((last - first).days, MAX_HOLIDAY_DAYS - 1)
        days.update(first + timedelta(days=n) for n in range(span + 1))
    return sorted(days)
