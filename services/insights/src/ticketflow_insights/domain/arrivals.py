"""Arrivals are stored per 15 minutes; 30 and 60 minutes are sums of aligned 15-minute buckets."""

from dataclasses import dataclass
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


MAX_SPAN = timedelta(days=400)
"""The longest period one arrivals answer covers (a year of weeks and some)."""


@dataclass(frozen=True)
class ArrivalCount:
    """Arrivals in one interval, for the dimensions grouped by (None: summed over)."""

    interval_start: datetime
    arrivals: int
    team: str | None = None
    channel: str | None = None
    category: str | None = None
    priority: str | None = None


def arrival_fault(*, minutes: int, start: datetime, end: datetime) -> tuple[str, str] | None:
    """(field, reason) when an arrivals question cannot be answered, else None."""
    if minutes not in INTERVAL_MINUTES:
        return "query:interval", f"must be one of {', '.join(map(str, INTERVAL_MINUTES))}"
    if start.tzinfo is None:
        return "query:from", "needs a time zone offset"
    if end.tzinfo is None:
        return "query:to", "needs a time zone offset"
    if start >= end:
        return "query:from", "must be before to"
    if end - start > MAX_SPAN:
        return "query:from", f"the period may span at most {MAX_SPAN.days} days"
    return None


def group_fault(group_by: list[str]) -> tuple[str, str] | None:
    unknown = [d for d in group_by if d not in ARRIVAL_DIMENSIONS]
    if unknown:
        return "query:group_by", f"unknown dimension {unknown[0]!r}: use {ARRIVAL_DIMENSIONS}"
    return None


def zero_filled(
    counts: list[ArrivalCount], *, start: datetime, end: datetime, minutes: int
) -> list[ArrivalCount]:
    """One count per interval of the period, zeros included (a series without dimensions)."""
    by_start = {c.interval_start: c.arrivals for c in counts}
    width = timedelta(minutes=minutes)
    first = interval_start(start, minutes)
    steps = -(-(end - first) // width)
    starts = [first + n * width for n in range(steps)]
    return [ArrivalCount(interval_start=s, arrivals=by_start.get(s, 0)) for s in starts]
