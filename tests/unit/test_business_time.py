"""Business-time arithmetic: properties over random calendars, and the DST days by hand."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketflow_common.business_time import (
    ALWAYS_OPEN,
    NoWorkingTime,
    WorkingCalendar,
    add_business_seconds,
    business_seconds_between,
    is_working,
    working_intervals,
)

TOLERANCE = 1e-5
ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kolkata",
)
NO_DST_ZONES = ("UTC", "Asia/Kolkata", "Asia/Tokyo")
# DST zones whose transitions happen before 04:00 local time
EARLY_TRANSITION_ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney")

instants = st.datetimes(
    min_value=datetime(2021, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
durations = st.floats(min_value=0, max_value=20 * 24 * 3600, allow_nan=False)


def day_intervals(low: int, high: int) -> st.SearchStrategy[tuple[tuple[int, int], ...]]:
    """0-3 ordered, disjoint intervals of minutes in [low, high], on quarter hours."""
    points = st.sets(st.integers(low // 15, high // 15), max_size=6).map(
        lambda s: sorted(p * 15 for p in s)
    )
    return points.map(lambda p: tuple(zip(p[0::2], p[1::2], strict=False)))


@st.composite
def calendars(
    draw: st.DrawFn, zones: tuple[str, ...] = ZONES, low: int = 0, high: int = 1440
) -> WorkingCalendar:
    week = tuple(draw(day_intervals(low, high)) for _ in range(7))
    if not any(week):
        week = (((low, high),), *week[1:])
    holidays = draw(
        st.lists(
            st.tuples(st.dates(date(2021, 1, 1), date(2026, 12, 31)), st.integers(0, 20)).map(
                lambda h: (h[0], h[0] + timedelta(days=h[1]))
            ),
            max_size=4,
        )
    )
    return WorkingCalendar(
        time_zone=draw(st.sampled_from(zones)), week=week, holidays=tuple(holidays)
    )


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, durations)
def test_adding_then_measuring_gives_back_the_duration(
    calendar: WorkingCalendar, start: datetime, seconds: float
) -> None:
    end = add_business_seconds(calendar, start, seconds)
    assert end >= start
    assert business_seconds_between(calendar, start, end) == pytest.approx(seconds, abs=TOLERANCE)


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, durations, durations)
def test_adding_is_monotonic_in_the_duration(
    calendar: WorkingCalendar, start: datetime, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    assert add_business_seconds(calendar, start, low) <= add_business_seconds(calendar, start, high)


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, instants, durations)
def test_adding_is_monotonic_in_the_start(
    calendar: WorkingCalendar, a: datetime, b: datetime, seconds: float
) -> None:
    early, late = sorted((a, b))
    assert add_business_seconds(calendar, early, seconds) <= add_business_seconds(
        calendar, late, seconds
    )


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, instants, instants)
def test_measuring_is_additive_and_never_exceeds_wall_time(
    calendar: WorkingCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    first, middle, last = sorted((a, b, c))
    if (last - first) > timedelta(days=120):
        last = first + timedelta(days=120)
        middle = min(middle, last)
    whole = business_seconds_between(calendar, first, last)
    parts = business_seconds_between(calendar, first, middle) + business_seconds_between(
        calendar, middle, last
    )
    assert whole == pytest.approx(parts, abs=TOLERANCE)
    assert 0 <= whole <= (last - first).total_seconds() + TOLERANCE


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, st.floats(min_value=1, max_value=10 * 24 * 3600))
def test_a_deadline_lands_in_working_time(
    calendar: WorkingCalendar, start: datetime, seconds: float
) -> None:
    """The last second counted towards a duration is a working second."""
    end = add_business_seconds(calendar, start, seconds)
    assert is_working(calendar, end - timedelta(microseconds=1))


def oracle_working_minutes(calendar: WorkingCalendar, start: datetime, minutes: int) -> int:
    """Count UTC minutes whose local wall time falls in a working interval: an independent
    definition of working time, minute by minute."""
    zone = ZoneInfo(calendar.time_zone)
    count = 0
    for i in range(minutes):
        local = (start + timedelta(minutes=i)).astimezone(zone)
        if calendar.is_holiday(local.date()):
            continue
        minute = local.hour * 60 + local.minute
        if any(s <= minute < e for s, e in calendar.week[local.weekday()]):
            count += 1
    return count


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        calendars(zones=NO_DST_ZONES),
        calendars(zones=EARLY_TRANSITION_ZONES, low=4 * 60, high=23 * 60 + 45),
    ),
    instants.map(lambda t: t.replace(second=0, microsecond=0)),
    st.integers(0, 4 * 24 * 60),
)
def test_only_working_minutes_are_counted(
    calendar: WorkingCalendar, start: datetime, minutes: int
) -> None:
    measured = business_seconds_between(calendar, start, start + timedelta(minutes=minutes))
    assert measured == pytest.approx(60 * oracle_working_minutes(calendar, start, minutes))


@given(instants, durations)
def test_always_open_counts_every_second(start: datetime, seconds: float) -> None:
    end = add_business_seconds(ALWAYS_OPEN, start, seconds)
    assert end == start + timedelta(seconds=seconds)
    assert business_seconds_between(ALWAYS_OPEN, start, end) == pytest.approx(seconds, abs=1e-5)


BERLIN_ALL_DAY = WorkingCalendar(time_zone="Europe/Berlin", week=(((0, 1440),),) * 7)


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2025, 3, 30), 23), (date(2025, 10, 26), 25), (date(2025, 6, 1), 24)],
)
def test_a_dst_day_is_as_long_as_it_really_is(day: date, hours: int) -> None:
    zone = ZoneInfo("Europe/Berlin")
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    assert business_seconds_between(BERLIN_ALL_DAY, start, end) == hours * 3600


def test_hours_that_fall_in_the_spring_gap_start_when_the_clocks_jump() -> None:
    """02:30-04:00 on the day 02:00 jumps to 03:00 is one real hour: 03:00-04:00 CEST."""
    calendar = WorkingCalendar(time_zone="Europe/Berlin", week=(((150, 240),),) * 7)
    zone = ZoneInfo("Europe/Berlin")
    day_start = datetime(2025, 3, 30, tzinfo=zone)
    intervals = list(working_intervals(calendar, day_start, day_start + timedelta(hours=12)))
    spring = [i for i in intervals if i[0].astimezone(zone).date() == date(2025, 3, 30)]
    assert spring == [(datetime(2025, 3, 30, 1, tzinfo=UTC), datetime(2025, 3, 30, 2, tzinfo=UTC))]


OFFICE = WorkingCalendar(
    time_zone="Europe/Berlin",
    week=(((540, 720), (780, 1020)),) * 5 + ((), ()),  # Mon-Fri 9-12, 13-17
    holidays=((date(2025, 12, 24), date(2025, 12, 26)),),
)


def test_office_hours_skip_lunch_nights_weekends_and_holidays() -> None:
    zone = ZoneInfo("Europe/Berlin")
    friday_afternoon = datetime(2025, 12, 19, 16, 30, tzinfo=zone)
    # 30 min on Friday, then Monday 22nd (7 h), Tuesday 23rd (7 h), holidays 24-26, Monday 29th
    due = add_business_seconds(OFFICE, friday_afternoon, (0.5 + 7 + 7 + 1) * 3600)
    assert due == datetime(2025, 12, 29, 10, tzinfo=zone)
    lunch = datetime(2025, 12, 22, 12, 15, tzinfo=zone)
    assert add_business_seconds(OFFICE, lunch, 60) == datetime(2025, 12, 22, 13, 1, tzinfo=zone)
    assert not is_working(OFFICE, lunch)
    assert business_seconds_between(OFFICE, lunch, lunch + timedelta(minutes=30)) == 0


def test_a_calendar_without_working_time_says_so() -> None:
    closed = WorkingCalendar(week=(((540, 600),),) + ((),) * 6, holidays=((date(2020, 1, 1),) * 2,))
    never = WorkingCalendar(week=closed.week, holidays=((date(2020, 1, 1), date(2030, 1, 1)),))
    with pytest.raises(NoWorkingTime):
        add_business_seconds(never, datetime(2021, 1, 1, tzinfo=UTC), 60)
    assert (
        business_seconds_between(
            never, datetime(2021, 1, 1, tzinfo=UTC), datetime(2022, 1, 1, tzinfo=UTC)
        )
        == 0
    )


def test_intervals_must_be_ordered_and_disjoint() -> None:
    with pytest.raises(ValueError, match="ordered and disjoint"):
        WorkingCalendar(week=(((600, 700), (650, 800)),) + ((),) * 6)
