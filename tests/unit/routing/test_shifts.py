"""Weekly shifts in the agent's time zone: on/off at UTC instants, across midnight and DST."""

from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ticketflow_routing.domain.shifts import Shift, is_on_shift, next_shift_change

WEEKDAYS = [Shift(days=["mon", "tue", "wed", "thu", "fri"], start=time(9), end=time(17))]
NIGHTS = [Shift(days=["fri"], start=time(22), end=time(6))]


def test_office_hours_in_paris() -> None:
    # Monday 2026-05-04: Paris is UTC+2, so 09:00-17:00 local is 07:00-15:00 UTC
    assert not is_on_shift(WEEKDAYS, "Europe/Paris", datetime(2026, 5, 4, 6, 59, tzinfo=UTC))
    assert is_on_shift(WEEKDAYS, "Europe/Paris", datetime(2026, 5, 4, 7, 0, tzinfo=UTC))
    assert not is_on_shift(WEEKDAYS, "Europe/Paris", datetime(2026, 5, 4, 15, 0, tzinfo=UTC))
    assert next_shift_change(WEEKDAYS, "Europe/Paris", datetime(2026, 5, 4, 8, tzinfo=UTC)) == (
        datetime(2026, 5, 4, 15, tzinfo=UTC)
    )


def test_weekend_waits_for_monday() -> None:
    saturday = datetime(2026, 5, 9, 12, tzinfo=UTC)
    assert not is_on_shift(WEEKDAYS, "America/New_York", saturday)
    # Monday 09:00 in New York (UTC-4 in May) is 13:00 UTC
    assert next_shift_change(WEEKDAYS, "America/New_York", saturday) == datetime(
        2026, 5, 11, 13, tzinfo=UTC
    )


def test_night_shift_runs_past_midnight() -> None:
    saturday_early = datetime(2026, 5, 9, 3, tzinfo=UTC)  # 03:00 in UTC zone, Saturday
    assert is_on_shift(NIGHTS, "UTC", saturday_early)
    assert next_shift_change(NIGHTS, "UTC", saturday_early) == datetime(2026, 5, 9, 6, tzinfo=UTC)


def test_dst_change_moves_the_utc_start() -> None:
    # Paris switches to summer time on 2026-03-29: 09:00 local is 08:00 UTC before, 07:00 after
    assert is_on_shift(WEEKDAYS, "Europe/Paris", datetime(2026, 3, 27, 8, 30, tzinfo=UTC))
    assert not is_on_shift(WEEKDAYS, "Europe/Paris", datetime(2026, 3, 27, 7, 30, tzinfo=UTC))
    assert is_on_shift(WEEKDAYS, "Europe/Paris", datetime(2026, 3, 30, 7, 30, tzinfo=UTC))


def test_no_schedule_is_always_on_and_empty_never() -> None:
    now = datetime(2026, 5, 4, 3, tzinfo=UTC)
    assert is_on_shift(None, "UTC", now)
    assert next_shift_change(None, "UTC", now) is None
    assert not is_on_shift([], "UTC", now)
    assert next_shift_change([], "UTC", now) is None


@given(
    minutes=st.integers(min_value=0, max_value=60 * 24 * 365),
    zone=st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"]),
    shifts=st.sampled_from([WEEKDAYS, NIGHTS, WEEKDAYS + NIGHTS]),
)
def test_state_holds_until_the_next_change_and_flips_there(
    minutes: int, zone: str, shifts: list[Shift]
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    change = next_shift_change(shifts, zone, now)
    assert change is not None
    assert change > now
    state = is_on_shift(shifts, zone, now)
    assert is_on_shift(shifts, zone, change - timedelta(seconds=1)) == state
    assert is_on_shift(shifts, zone, change) != state
