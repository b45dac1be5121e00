"""The deadlines an SLA policy gives a ticket started at a chosen instant, counted in its
calendar's business time with the shared arithmetic sla's clocks use (libs/common
business_time): sla has no preview endpoint. Pauses (clock rules) are not foreseen."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ticketflow_common.business_time import (
    ALWAYS_OPEN,
    NoWorkingTime,
    WorkingCalendar,
    add_business_seconds,
    weekly_calendar,
)

ALWAYS_OPEN_NAME = "24x7"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
METRICS = ("first_response", "next_response", "resolution")


@dataclass(frozen=True)
class Deadline:
    """One metric's target and when it falls due (None: no working time ahead)."""

    metric: str
    target_seconds: float
    due_at: datetime | None


def calendar_of(calendar: Mapping[str, Any]) -> WorkingCalendar:
    """A working calendar from sla's calendar document (`GET /calendars`)."""
    week = calendar.get("week") or {}
    return weekly_calendar(
        time_zone=str(calendar.get("time_zone") or "UTC"),
        always_open=bool(calendar.get("always_open")),
        week=[sorted((h["start"], h["end"]) for h in week.get(day, [])) for day in DAYS],
        holidays=(
            (date.fromisoformat(h["first_day"]), date.fromisoformat(h["last_day"]))
            for h in calendar.get("holidays") or []
        ),
    )


def policy_calendar(
    policy: Mapping[str, Any], calendars: Iterable[Mapping[str, Any]]
) -> WorkingCalendar:
    """The policy's calendar; 24x7 when it names none or one sla does not have (as sla does)."""
    name = policy.get("calendar") or ALWAYS_OPEN_NAME
    found = next((c for c in calendars if c.get("name") == name), None)
    return ALWAYS_OPEN if found is None else calendar_of(found)


def preview_deadlines(
    policy: Mapping[str, Any], calendar: WorkingCalendar, *, start: datetime
) -> list[Deadline]:
    """Each target the policy sets, due `target` business seconds after `start`."""
    deadlines = []
    for metric in METRICS:
        target = policy.get(f"{metric}_seconds")
        if target is None:
            continue
        try:
            due: datetime | None = add_business_seconds(calendar, start, float(target))
        except NoWorkingTime:
            due = None
        deadlines.append(Deadline(metric=metric, target_seconds=float(target), due_at=due))
    return deadlines
