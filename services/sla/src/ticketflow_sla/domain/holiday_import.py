"""Holidays from an iCalendar file as people write them: recurring and multi-day events expanded
over a bounded horizon, each refusal naming the event and the reason.

icalendar and recurring_ical_events are imported where a file is read: together about 15 MiB
that every sla replica would otherwise hold for an operator's occasional upload."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import prod
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from ticketflow_sla.domain.calendars import MAX_HOLIDAY_DAYS, MAX_HOLIDAYS, Holiday

if TYPE_CHECKING:
    from icalendar import Calendar as ICalendar
    from icalendar import Component

DEFAULT_HORIZON_YEARS = 3
MAX_HORIZON_YEARS = 10
MAX_OCCURRENCES = 10_000
MAX_RULE_WORK = 2_000_000  # about microseconds of expansion, as measured
PERIOD_COST, DAY_COST, INSTANCE_COST = 10, 0.25, 3
MAX_NAME_LENGTH = 200
PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}
MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
BY_RANGES = {
    "BYMONTH": (1, 12),
    "BYMONTHDAY": (1, 31),
    "BYYEARDAY": (1, 366),
    "BYWEEKNO": (1, 53),
    "BYHOUR": (0, 23),
    "BYMINUTE": (0, 59),
    "BYSECOND": (0, 60),
}
ORDINAL_DAY = re.compile(r"^([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)$")
ICAL = "ical"
SINGLE_PROPERTIES = ("UID", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "SUMMARY")


class ICalendarError(ValueError):
    """The upload cannot become holidays: `field` names the event and property, `reason` why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Horizon:
    """Local days `first_day` (inclusive) to `end` (exclusive) over which events are expanded."""

    first_day: date
    end: date

    @classmethod
    def of(cls, first_day: date, years: int) -> Horizon:
        try:
            end = first_day.replace(year=first_day.year + years)
        except ValueError:  # 29 February
            end = date(first_day.year + years, 3, 1)
        return cls(first_day=first_day, end=end)


def new_year(now: datetime, time_zone: str) -> date:
    """Where the default horizon starts: 1 January of the current year in the calendar's zone."""
    return date(now.astimezone(ZoneInfo(time_zone)).year, 1, 1)


def holidays_from_ical(raw: bytes, *, horizon: Horizon, time_zone: str) -> list[Holiday]:
    """Every occurrence of every VEVENT within `horizon` as a holiday (a range for multi-day
    events; DTEND is exclusive as RFC 5545 says). Timed events count only when they span whole
    days in `time_zone`; other timed events are refused rather than guessed at."""
    from icalendar import Calendar as ICalendar

    try:
        parsed = ICalendar.from_ical(raw)
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise ICalendarError(ICAL, f"not an iCalendar file: {exc}") from None
    if not isinstance(parsed, ICalendar):
        raise ICalendarError(ICAL, "not an iCalendar file: expected one VCALENDAR")
    events = list(parsed.walk("VEVENT"))
    if not events:
        raise ICalendarError(ICAL, "the file has no VEVENT")
    zone = ZoneInfo(time_zone)
    groups: dict[str, list[Component]] = {}
    labels: dict[str, str] = {}
    work = 0
    for index, event in enumerate(events, start=1):
        uid = str(event.get("UID") or f"#{index}")
        label = f"{ICAL}.VEVENT[{_printable(uid)}]"
        work += _checked_event(event, label, horizon)
        if work > MAX_RULE_WORK:
            raise ICalendarError(
                ICAL,
                f"expanding the recurrence rules up to {label} would take too long from their"
                " DTSTART: start them nearer the horizon",
            )
        event["UID"] = uid
        groups.setdefault(uid, []).append(event)
        labels[uid] = label
    found: dict[tuple[date, date], Holiday] = {}
    occurrences = 0
    for uid, group in groups.items():
        for occurrence in _expanded(parsed, group, labels[uid], horizon):
            occurrences += 1
            if occurrences > MAX_OCCURRENCES:
                raise ICalendarError(ICAL, f"more than {MAX_OCCURRENCES} occurrences")
            holiday = _holiday(occurrence, labels[uid], zone)
            if holiday.last >= horizon.first_day and holiday.first_day < horizon.end:
                found.setdefault((holiday.first_day, holiday.last), holiday)
            if len(found) > MAX_HOLIDAYS:
                raise ICalendarError(ICAL, f"more than {MAX_HOLIDAYS} holidays")
    if not found:
        raise ICalendarError(
            ICAL, f"no event occurs between {horizon.first_day} and {horizon.end} (exclusive)"
        )
    return sorted(found.values(), key=lambda h: (h.first_day, h.last))


def _checked_event(event: Component, label: str, horizon: Horizon) -> int:
    """Refuse what the expansion would choke on; the work its rules ask for."""
    for name, message in event.errors:
        raise ICalendarError(f"{label}.{name}", f"invalid value: {message}")
    for name in SINGLE_PROPERTIES:
        if isinstance(event.get(name), list):
            raise ICalendarError(f"{label}.{name}", "appears more than once")
    start_prop = event.get("DTSTART")
    if start_prop is None:
        raise ICalendarError(f"{label}.DTSTART", "missing")
    start = start_prop.dt
    if not isinstance(start, date):
        raise ICalendarError(f"{label}.DTSTART", "must be a date or a date-time")
    all_day = not isinstance(start, datetime)
    end_prop = event.get("DTEND")
    if end_prop is not None:
        end = end_prop.dt
        if not isinstance(end, date) or all_day != (not isinstance(end, datetime)):
            raise ICalendarError(f"{label}.DTEND", "must be of the same type as DTSTART")
        if _comparable(end) < _comparable(start):
            raise ICalendarError(f"{label}.DTEND", "is before DTSTART")
    duration_prop = event.get("DURATION")
    if duration_prop is not None:
        duration = duration_prop.dt
        if not isinstance(duration, timedelta) or duration < timedelta(0):
            raise ICalendarError(f"{label}.DURATION", "must be a positive duration")
        if all_day and duration % timedelta(days=1):
            raise ICalendarError(f"{label}.DURATION", "an all-day event lasts whole days")
    _check_summary(event.get("SUMMARY"), f"{label}.SUMMARY")
    rules = event.get("RRULE")
    if rules is None:
        return 0
    rules = rules if isinstance(rules, list) else [rules]
    return sum(_rule_work(rule, f"{label}.RRULE", start, horizon) for rule in rules)


def _printable(uid: str) -> str:
    """A UID fit to name a field: control characters escaped, at most 100 characters."""
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in uid)
    return shown if len(shown) <= 100 else shown[:99] + "…"


def _comparable(moment: date) -> datetime:
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))
    return datetime(moment.year, moment.month, moment.day, tzinfo=ZoneInfo("UTC"))


def _check_summary(summary: object, field: str) -> None:
    if summary is None:
        return
    text = str(summary)
    if "\x00" in text:
        raise ICalendarError(field, "contains a NUL character")
    if any(unicodedata.category(c) == "Cs" for c in text):
        raise ICalendarError(field, "contains an unpaired surrogate")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        raise ICalendarError(field, "contains a control character")


def _rule_work(rule: Any, field: str, start: date, horizon: Horizon) -> int:
    """Refuse rules that recur more than daily or that may never match (the expansion would
    then search to the year 9999); the periods times instances it walks from DTSTART."""
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    if freq not in PERIOD_DAYS:
        raise ICalendarError(field, "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
    parts = {str(k).upper(): [str(x) for x in v] for k, v in rule.items()}
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        if len(parts.get(part, [])) > 1:
            raise ICalendarError(field, f"{part}: a holiday occurs at most once a day")
    for part in ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO"):
        if part in parts and freq in ("DAILY", "WEEKLY"):
            raise ICalendarError(field, f"{part} needs FREQ=MONTHLY or YEARLY")
    for part in ("BYYEARDAY", "BYWEEKNO"):
        if part in parts and (freq != "YEARLY" or {"BYMONTH", "BYMONTHDAY"} & parts.keys()):
            raise ICalendarError(field, f"{part} needs FREQ=YEARLY without BYMONTH(DAY)")
    for part, (low, high) in BY_RANGES.items():
        signed = part in ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")
        if any(not low <= (abs(n) if signed else n) <= high for n in _ints(parts, part, field)):
            raise ICalendarError(field, f"{part} values are {low} to {high}")
    if any(p not in (1, -1) for p in _ints(parts, "BYSETPOS", field)):
        raise ICalendarError(field, "BYSETPOS may only be 1 or -1")
    months = _ints(parts, "BYMONTH", field)
    monthdays = _ints(parts, "BYMONTHDAY", field)
    if (
        months
        and monthdays
        and not any(abs(d) <= MONTH_DAYS[m - 1] for m in months if 1 <= m <= 12 for d in monthdays)
    ):
        raise ICalendarError(field, "BYMONTH and BYMONTHDAY name no existing day")
    days = [_weekday(d, field) for d in parts.get("BYDAY", [])]
    ordinals = [n for n in days if n is not None]
    if ordinals:
        limit = 5 if freq == "MONTHLY" or months else 53
        if freq in ("DAILY", "WEEKLY") or {"BYMONTHDAY", "BYYEARDAY", "BYWEEKNO"} & parts.keys():
            raise ICalendarError(field, "BYDAY with a number needs MONTHLY or YEARLY alone")
        if any(n == 0 or abs(n) > limit for n in ordinals):
            raise ICalendarError(field, f"BYDAY numbers are 1 to {limit} or -1 to -{limit}")
    interval = (_ints(parts, "INTERVAL", field) or [1])[0]
    if interval < 1:
        raise ICalendarError(field, "INTERVAL must be at least 1")
    end = horizon.end
    for until in rule.get("UNTIL") or []:
        if isinstance(until, date):
            end = min(end, _comparable(until).date() + timedelta(days=1))
    periods = max(0, (end - _comparable(start).date()).days) // (PERIOD_DAYS[freq] * interval)
    per_weekday = 1 if freq in ("DAILY", "WEEKLY") or ordinals else (5 if months else 53)
    lists = (len(months), len(monthdays), len(parts.get("BYYEARDAY", [])))
    instances = prod(max(1, n) for n in lists) * max(1, len(days) * per_weekday)
    per_period = PERIOD_COST + PERIOD_DAYS[freq] * DAY_COST
    return int((periods + 1) * (per_period + min(instances, PERIOD_DAYS[freq]) * INSTANCE_COST))


def _ints(parts: dict[str, list[str]], name: str, field: str) -> list[int]:
    try:
        return [int(value) for value in parts.get(name, [])]
    except ValueError:
        raise ICalendarError(field, f"{name} must be whole numbers") from None


def _weekday(value: str, field: str) -> int | None:
    """The ordinal of a BYDAY value (None when it has none)."""
    match = ORDINAL_DAY.match(value.strip().upper())
    if match is None:
        raise ICalendarError(field, f"BYDAY {value!r} is not a weekday")
    return int(match.group(1)) if match.group(1) else None


def _expanded(
    calendar: ICalendar, events: list[Component], label: str, horizon: Horizon
) -> Iterator[Component]:
    """One UID's occurrences (a day either side of the horizon, for other time zones)."""
    import recurring_ical_events  # type: ignore[import-untyped]
    from icalendar import Calendar as ICalendar

    own = ICalendar()
    for key, value in calendar.items():
        own.add(key, value)
    for zone in calendar.walk("VTIMEZONE"):
        own.add_component(zone)
    for event in events:
        own.add_component(event)
    try:
        query = recurring_ical_events.of(own)
        found: Iterable[Component] = query.between(
            horizon.first_day - timedelta(days=1), horizon.end + timedelta(days=1)
        )
        yield from found
    except (ValueError, TypeError, OverflowError, KeyError, AttributeError) as exc:
        raise ICalendarError(label, f"cannot be expanded: {exc}") from None


def _holiday(occurrence: Component, label: str, zone: ZoneInfo) -> Holiday:
    """The local days an occurrence covers, as one holiday."""
    start = _moment(occurrence, "DTSTART", label)
    end = _moment(occurrence, "DTEND", label) if "DTEND" in occurrence else start
    if isinstance(start, datetime):
        local_start = _local(start, zone)
        local_end = _local(end, zone) if isinstance(end, datetime) else local_start
        midnight = datetime.min.time()
        if local_start.time() != midnight or local_end.time() != midnight or end <= start:
            raise ICalendarError(
                label,
                f"the timed occurrence at {local_start.isoformat()} does not span whole days"
                f" in {zone.key}; holidays are whole days",
            )
        start, end = local_start.date(), local_end.date()
    elif isinstance(end, datetime):
        end = end.date()
    first, last = start, max(start, end - timedelta(days=1))
    if (last - first).days >= MAX_HOLIDAY_DAYS:
        raise ICalendarError(label, f"an event spans at most {MAX_HOLIDAY_DAYS} days")
    summary = occurrence.get("SUMMARY")
    name = re.sub(r"\s+", " ", str(summary)).strip()[:MAX_NAME_LENGTH] if summary else None
    try:
        return Holiday(first_day=first, last_day=last, name=name or None)
    except ValidationError as exc:
        reason = "; ".join(e["msg"] for e in exc.errors())
        raise ICalendarError(label, reason) from None


def _moment(component: Component, name: str, label: str) -> date:
    value = getattr(component.get(name), "dt", None)
    if not isinstance(value, date):
        raise ICalendarError(f"{label}.{name}", "must be a date or a date-time")
    return value


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A date-time in the calendar's zone; a floating one is read as already there."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
