"""Calendars from sla's `calendar.changed`: what business minutes of time-based rules count in.
A change moves the pending timers of the rules counting in that calendar."""

from collections.abc import Iterable
from datetime import datetime

import asyncpg

from ticketflow_automation.domain.time_rules import rule_due_at
from ticketflow_automation.store.calendars import calendar_definitions, upsert_calendar
from ticketflow_automation.store.rule_timers import (
    NEAR_DUE,
    drop_pairs,
    move_timers,
    notify_replicas,
    pending_of_calendar,
)
from ticketflow_common.business_time import WorkingCalendar, working_calendar_of
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import CalendarChanged

_BUILT: dict[tuple[str, datetime], WorkingCalendar] = {}
"""Calendars already turned into arithmetic, by name and change instant (a change is a new key)."""


async def project_calendar(
    *, conn: asyncpg.Connection, envelope: Envelope, event: CalendarChanged, now: datetime
) -> None:
    del envelope
    await upsert_calendar(conn=conn, event=event)
    await replan_calendar_timers(conn=conn, name=event.name, now=now)


async def known_calendars(
    *, conn: asyncpg.Connection, names: Iterable[str]
) -> dict[str, WorkingCalendar]:
    """The named calendars automation knows (from sla, not archived); unknown ones are absent."""
    wanted = sorted(set(names))
    known: dict[str, WorkingCalendar] = {}
    for name, (changed_at, event) in (await calendar_definitions(conn=conn, names=wanted)).items():
        key = (name, changed_at)
        if key not in _BUILT:
            if len(_BUILT) > 1000:
                _BUILT.clear()
            _BUILT[key] = working_calendar_of(event)
        known[name] = _BUILT[key]
    return known


async def replan_calendar_timers(*, conn: asyncpg.Connection, name: str, now: datetime) -> None:
    """Count the pending timers of rules in calendar `name` again from their anchors."""
    pending = await pending_of_calendar(conn=conn, calendar=name)
    if not pending:
        return
    calendars = await known_calendars(conn=conn, names=[name])
    moved, dropped = [], []
    for rule_id, ticket_id, anchor_at, minutes in pending:
        due = rule_due_at(anchor_at=anchor_at, minutes=minutes, calendar=name, calendars=calendars)
        if due is None:
            dropped.append((rule_id, ticket_id))
        else:
            moved.append((rule_id, ticket_id, due))
    await move_timers(conn=conn, moved=moved)
    await drop_pairs(conn=conn, pairs=dropped)
    if any(due <= now + NEAR_DUE for _, _, due in moved):
        await notify_replicas(conn=conn)
