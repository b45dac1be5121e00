"""A calendar as `calendar.changed` tells it: short weekday names, every holiday as a dated
range (recurring iCalendar events and presets are stored already expanded, see
`holiday_import.py` and `holiday_presets.py`)."""

from datetime import datetime

from ticketflow_common.events import CalendarChanged, CalendarHoliday
from ticketflow_common.events.sla import CalendarChange
from ticketflow_sla.domain.calendars import WEEKDAYS, Calendar


def calendar_changed(
    calendar: Calendar, *, change: CalendarChange, now: datetime
) -> CalendarChanged:
    """Every weekday of a calendar with hours (an empty list: closed that day; none for 24x7),
    its holidays ordered by first day."""
    week = (
        {}
        if calendar.always_open
        else {day[:3]: [(h.start, h.end) for h in calendar.week.get(day, [])] for day in WEEKDAYS}
    )
    holidays = [
        CalendarHoliday(first_day=h.first_day, last_day=h.last, name=h.name)
        for h in sorted(calendar.holidays, key=lambda h: (h.first_day, h.last))
    ]
    return CalendarChanged(
        name=calendar.name,
        change=change,
        time_zone=calendar.time_zone,
        always_open=calendar.always_open,
        week=week,
        holidays=holidays,
        changed_at=now,
    )
