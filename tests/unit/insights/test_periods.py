"""Calendar periods: where each begins and ends, in UTC and across a DST change."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from ticketflow_insights.domain.periods import PERIOD_KINDS, Period, period_containing

WEDNESDAY = datetime(2026, 5, 13, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        ("day", datetime(2026, 5, 13, tzinfo=UTC), datetime(2026, 5, 14, tzinfo=UTC)),
        ("week", datetime(2026, 5, 11, tzinfo=UTC), datetime(2026, 5, 18, tzinfo=UTC)),
        ("month", datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)),
        ("quarter", datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)),
    ],
)
def test_the_period_containing_an_instant(kind: str, start: datetime, end: datetime) -> None:
    period = period_containing(kind, WEDNESDAY)  # type: ignore[arg-type]
    assert (period.start, period.end) == (start, end)
    assert period.contains(WEDNESDAY)
    assert not period.contains(end)
    assert period.contains(start)


def test_weeks_begin_on_monday_even_on_a_sunday_night() -> None:
    sunday_late = datetime(2026, 5, 17, 23, 59, tzinfo=UTC)
    assert period_containing("week", sunday_late).start == datetime(2026, 5, 11, tzinfo=UTC)
    assert period_containing("week", sunday_late + timedelta(minutes=1)).start == datetime(
        2026, 5, 18, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("kind", "previous_start"),
    [
        ("day", datetime(2026, 1, 31, tzinfo=UTC)),
        ("week", datetime(2026, 1, 19, tzinfo=UTC)),
        ("month", datetime(2026, 1, 1, tzinfo=UTC)),
        ("quarter", datetime(2025, 10, 1, tzinfo=UTC)),
    ],
)
def test_previous_crosses_month_and_year_boundaries(kind: str, previous_start: datetime) -> None:
    period = period_containing(kind, datetime(2026, 2, 1, 8, tzinfo=UTC))  # type: ignore[arg-type]
    previous = period.previous()
    assert previous.start == previous_start
    assert previous.end == period.start
    assert previous.kind == kind
    assert previous.next() == period


def test_the_last_quarter_ends_at_new_year() -> None:
    q4 = period_containing("quarter", datetime(2026, 11, 30, tzinfo=UTC))
    assert (q4.start, q4.end) == (
        datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )


def test_local_days_in_a_time_zone_and_a_dst_week_is_167_hours() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 23:30 UTC on Sunday 29 March is already Monday 30 March in Berlin (CEST).
    at = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    day = period_containing("day", at, tz="Europe/Berlin")
    assert day.start == datetime(2026, 3, 30, tzinfo=berlin)
    assert day.start == datetime(2026, 3, 29, 22, tzinfo=UTC)
    week = period_containing("week", datetime(2026, 3, 25, tzinfo=UTC), tz="Europe/Berlin")
    assert week.end - week.start == timedelta(hours=167)
    assert week.start == datetime(2026, 3, 22, 23, tzinfo=UTC)
    assert week.previous().end == week.start


def test_elapsed_until_is_clamped_to_the_period() -> None:
    week = period_containing("week", WEDNESDAY)
    assert week.elapsed_until(WEDNESDAY) == WEDNESDAY
    assert week.elapsed_until(WEDNESDAY + timedelta(days=30)) == week.end
    assert week.elapsed_until(WEDNESDAY - timedelta(days=30)) == week.start


def test_naive_instants_and_empty_periods_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        period_containing("day", datetime(2026, 5, 13))
    with pytest.raises(ValidationError):
        Period(kind="day", start=WEDNESDAY, end=WEDNESDAY)


@pytest.mark.parametrize(("kind", "count"), [("day", 365), ("month", 12), ("quarter", 4)])
def test_every_kind_tiles_the_year_without_gaps(kind: str, count: int) -> None:
    period = period_containing(kind, datetime(2026, 1, 1, 12, tzinfo=UTC), tz="America/New_York")  # type: ignore[arg-type]
    seen = 0
    while period.start < datetime(2027, 1, 1, 5, tzinfo=UTC):
        following = period.next()
        assert following.start == period.end
        assert following.contains(period.end)
        period, seen = following, seen + 1
    assert seen == count
    assert kind in PERIOD_KINDS
