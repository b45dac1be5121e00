"""The weekly-shift evaluation moved to libs/common: routing uses the same code, and the
periods over a range agree with the instant test minute by minute."""

import itertools
from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

import ticketflow_common.shifts as common_shifts
import ticketflow_routing.domain.shifts as routing_shifts
from ticketflow_common.shifts import WEEKDAYS, Shift, is_on_shift, shift_periods

NINE_TO_FIVE = [Shift(days=["mon", "tue", "wed", "thu", "fri"], start=time(9), end=time(17))]
MONDAY = datetime(2025, 6, 2, tzinfo=UTC)


def test_routing_evaluates_shifts_with_the_common_code() -> None:
    for name in ("Shift", "ShiftState", "is_on_shift", "next_shift_change", "shift_state"):
        assert getattr(routing_shifts, name) is getattr(common_shifts, name)


def test_periods_of_a_week_of_office_hours_in_berlin() -> None:
    periods = shift_periods(NINE_TO_FIVE, "Europe/Berlin", MONDAY, MONDAY + timedelta(days=7))
    assert periods == [
        (MONDAY + timedelta(days=day, hours=7), MONDAY + timedelta(days=day, hours=15))
        for day in range(5)  # CEST is UTC+2 in June
    ]


def test_periods_are_clipped_to_the_range_and_merge_across_midnight() -> None:
    nights = [Shift(days=list(WEEKDAYS), start=time(22), end=time(6))]
    start, end = MONDAY + timedelta(hours=3), MONDAY + timedelta(days=2, hours=1)
    assert shift_periods(nights, "UTC", start, end) == [
        (start, MONDAY + timedelta(hours=6)),
        (MONDAY + timedelta(hours=22), MONDAY + timedelta(days=1, hours=6)),
        (MONDAY + timedelta(days=1, hours=22), end),
    ]


def test_no_schedule_is_always_on_and_an_empty_one_never() -> None:
    end = MONDAY + timedelta(days=30)
    assert shift_periods(None, "UTC", MONDAY, end) == [(MONDAY, end)]
    assert shift_periods([], "UTC", MONDAY, end) == []


def test_periods_cross_a_daylight_saving_change() -> None:
    # Berlin leaves summer time on 2025-10-26: 09:00 local is 07:00 UTC before, 08:00 after.
    friday = datetime(2025, 10, 24, tzinfo=UTC)
    periods = shift_periods(NINE_TO_FIVE, "Europe/Berlin", friday, friday + timedelta(days=4))
    assert periods == [
        (friday + timedelta(hours=7), friday + timedelta(hours=15)),
        (friday + timedelta(days=3, hours=8), friday + timedelta(days=3, hours=16)),
    ]


shifts_strategy = st.lists(
    st.builds(
        Shift,
        days=st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True),
        start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
        end=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    ),
    max_size=3,
)


@settings(max_examples=40, deadline=None)
@given(
    shifts=shifts_strategy,
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
    offset_minutes=st.integers(0, 60 * 24 * 365),
    days=st.integers(1, 20),
)
def test_periods_agree_with_the_instant_test(
    shifts: list[Shift], zone: str, offset_minutes: int, days: int
) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=offset_minutes)
    end = start + timedelta(days=days)
    periods = shift_periods(shifts, zone, start, end)
    assert all(a < b for a, b in periods)
    assert all(p[1] < q[0] for p, q in itertools.pairwise(periods))
    instant = start
    while instant < end:
        inside = any(a <= instant < b for a, b in periods)
        assert inside == is_on_shift(shifts, zone, instant), instant
        instant += timedelta(minutes=37)
