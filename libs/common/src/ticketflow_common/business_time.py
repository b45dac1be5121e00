"""Business-time arithmetic over a working calendar: pure, no I/O (sla's clocks and
automation's time-based rules count in it).

Instants are aware datetimes. A calendar's working time is a sequence of disjoint UTC intervals
derived day by day from wall-clock hours in its time zone, so a DST day is as long as it really
is, a holiday counts nothing, and an interval whose wall-clock bound falls in a DST gap is
clamped rather than counted twice.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from ticketflow_common.events.sla import CalendarChanged

MINUTES_PER_DAY = 24 * 60
MAX_SEARCH_DAYS = 3 * 366
"""How many days without any working time `add_business_seconds` crosses before giving up."""

Interval = tuple[datetime, datetime]


class NoWorkingTime(ValueError):
    """The calendar has no working time within `MAX_SEARCH_DAYS` of the instant."""


@dataclass(frozen=True)
class WorkingCalendar:
    """Weekly working hours (Monday first) as (start, end) minutes of the local day, holidays as
    inclusive (first, last) local dates; `always_open` counts every second (24x7)."""

    time_zone: str = "UTC"
    week: tuple[tuple[tuple[int, int], ...], ...] = ((),) * 7
    holidays: tuple[tuple[date, date], ...] = ()
    always_open: bool = False

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("week must have 7 days, Monday first")
        for day in self.week:
            previous_end = 0
            for start, end in day:
                if not 0 <= start < end <= MINUTES_PER_DAY or start < previous_end:
                    raise ValueError(f"working intervals must be ordered and disjoint: {day}")
                previous_end = end

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_holiday(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.holidays)


ALWAYS_OPEN = WorkingCalendar(always_open=True)
WEEKDAY_ABBREVIATIONS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The weekday keys of `calendar.changed`'s week, Monday first."""


def minutes_of(clock_time: str) -> int:
    """Minutes since midnight of a local "HH:MM" ("24:00" is the day's end)."""
    hours, minutes = clock_time.split(":")
    return int(hours) * 60 + int(minutes)


def weekly_calendar(
    *,
    time_zone: str,
    always_open: bool,
    week: Sequence[Iterable[tuple[str, str]]],
    holidays: Iterable[tuple[date, date]],
) -> WorkingCalendar:
    """A calendar from its local "HH:MM" hours of each weekday (Monday first) and holidays."""
    if always_open:
        return WorkingCalendar(time_zone=time_zone, always_open=True)
    return WorkingCalendar(
        time_zone=time_zone,
        week=tuple(
            tuple((minutes_of(start), minutes_of(end)) for start, end in day) for day in week
        ),
        holidays=tuple(holidays),
    )


def working_calendar_of(event: CalendarChanged) -> WorkingCalendar:
    """The calendar a `calendar.changed` describes, for services that count in sla's time."""
    return weekly_calendar(
        time_zone=event.time_zone,
        always_open=event.always_open,
        week=[sorted(event.week.get(day, [])) for day in WEEKDAY_ABBREVIATIONS],
        holidays=((h.first_day, h.last_day) for h in event.holidays),
    )


def _wall_to_utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The instant a wall-clock time happens: its first occurrence when the clocks fall back,
    the moment the clocks jump when it falls in a spring-forward gap."""
    day = day + timedelta(days=minute // MINUTES_PER_DAY)
    minute %= MINUTES_PER_DAY
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    after = naive.replace(tzinfo=zone).astimezone(UTC)
    if after.astimezone(zone).replace(tzinfo=None) == naive:
        return after
    before = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    offset_before = before.astimezone(zone).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        if middle.astimezone(zone).utcoffset() == offset_before:
            before = middle
        else:
            after = middle
    return after.replace(microsecond=0)


def working_intervals(
    calendar: WorkingCalendar, since: datetime, until: datetime | None = None
) -> Iterator[Interval]:
    """Disjoint, ordered UTC working intervals that end after `since` (the first may begin
    before it), up to the day after `until`; ends after `MAX_SEARCH_DAYS` without any."""
    since = since.astimezone(UTC)
    if calendar.always_open:
        yield since, datetime.max.replace(tzinfo=UTC)
        return
    zone = calendar.zone
    day = since.astimezone(zone).date() - timedelta(days=1)
    previous_end = datetime.min.replace(tzinfo=UTC)
    last_day = None if until is None else until.astimezone(zone).date() + timedelta(days=1)
    idle_days = 0
    while idle_days <= MAX_SEARCH_DAYS and (last_day is None or day <= last_day):
        idle_days += 1
        if not calendar.is_holiday(day):
            for start_minute, end_minute in calendar.week[day.weekday()]:
                start = max(_wall_to_utc(day, start_minute, zone), previous_end)
                end = _wall_to_utc(day, end_minute, zone)
                if end <= start:
                    continue
                previous_end = end
                idle_days = 0
                if end > since:
                    yield start, end
        day += timedelta(days=1)


def add_business_seconds(calendar: WorkingCalendar, start: datetime, seconds: float) -> datetime:
    """The instant at which `seconds` of working time have passed since `start`."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    start = start.astimezone(UTC)
    if seconds == 0:
        return start
    if calendar.always_open:
        return start + timedelta(seconds=seconds)
    remaining = seconds
    for interval_start, interval_end in working_intervals(calendar, start):
        begin = max(interval_start, start)
        length = (interval_end - begin).total_seconds()
        if remaining <= length:
            return begin + timedelta(seconds=remaining)
        remaining -= length
    raise NoWorkingTime(f"no working time within {MAX_SEARCH_DAYS} days of {start.isoformat()}")


def business_seconds_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
    """Working seconds in [start, end); 0 when `end` is not after `start`."""
    if end <= start:
        return 0.0
    if calendar.always_open:
        return (end - start).total_seconds()
    total = 0.0
    for interval_start, interval_end in working_intervals(calendar, start, end):
        if interval_start >= end:
            break
        total += (min(interval_end, end) - max(interval_start, start)).total_seconds()
    return total


def is_working(calendar: WorkingCalendar, instant: datetime) -> bool:
    """True when `instant` lies inside working time."""
    for start, end in working_intervals(calendar, instant):
        return start <= instant < end
    return False
