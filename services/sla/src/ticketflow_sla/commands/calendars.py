"""Configuring business calendars: list, create or replace, and add holidays from an iCalendar
file or a country's preset (archiving is in `retirement.py`), each change announced as
`calendar.changed` (key: the calendar's name)."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from ticketflow_common.audit import record_change
from ticketflow_common.events.audit import AuditActor
from ticketflow_common.events.sla import CalendarChange
from ticketflow_common.outbox import emit
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import invalid_field, not_found
from ticketflow_sla.domain.calendar_events import calendar_changed
from ticketflow_sla.domain.calendars import (
    MAX_HOLIDAYS,
    Calendar,
    CalendarUpdate,
    Holiday,
    merge_holidays,
)
from ticketflow_sla.domain.holiday_import import (
    DEFAULT_HORIZON_YEARS,
    Horizon,
    ICalendarError,
    holidays_from_ical,
    new_year,
)
from ticketflow_sla.domain.holiday_presets import HolidayPreset, PresetError, holidays_from_preset
from ticketflow_sla.store.calendars import (
    calendars_after,
    lock_calendar,
    replace_holidays,
    upsert_calendar,
)

log = logging.getLogger(__name__)
SERVICE = "sla"


async def calendar_page(
    *, conn: asyncpg.Connection, cursor: str | None, limit: int
) -> Page[Calendar]:
    """Live calendars by name."""
    after = read_cursor(cursor, kind="sla.calendars", parse=lambda p: str(p["name"]))
    rows = await calendars_after(conn=conn, after=after, limit=limit + 1)
    return page_of(
        rows, limit=limit, cursor=lambda c: encode_cursor("sla.calendars", {"name": c.name})
    )


async def save_calendar(
    *,
    conn: asyncpg.Connection,
    name: str,
    update: CalendarUpdate,
    actor: AuditActor,
    now: datetime,
) -> Calendar:
    """Create, replace or bring back the calendar; audited as `sla.calendar`."""
    async with conn.transaction():
        before = await lock_calendar(conn=conn, name=name)
        calendar, created = await upsert_calendar(conn=conn, name=name, update=update)
        await announce_calendar(
            conn=conn, calendar=calendar, change="created" if created else "updated", now=now
        )
        await audit_calendar(
            conn=conn, actor=actor, before=before, after=calendar, action=None, now=now
        )
        return calendar


async def audit_calendar(
    *,
    conn: asyncpg.Connection,
    actor: AuditActor,
    before: Calendar | None,
    after: Calendar | None,
    action: str | None,
    now: datetime,
) -> None:
    """The calendar's change in SLA's audit log (`action` None: created or updated)."""
    subject = after or before
    assert subject is not None
    await record_change(
        conn=conn,
        service=SERVICE,
        actor=actor,
        entity="sla.calendar",
        entity_id=subject.name,
        action=action or ("created" if before is None else "updated"),
        before=before,
        after=after,
        now=now,
    )


async def announce_calendar(
    *, conn: asyncpg.Connection, calendar: Calendar, change: CalendarChange, now: datetime
) -> None:
    """`calendar.changed` in the caller's transaction."""
    event = calendar_changed(calendar, change=change, now=now)
    await emit(conn, event, subject=calendar.name, now=now)


async def import_ical_holidays(
    *,
    conn: asyncpg.Connection,
    name: str,
    ical: bytes,
    first_day: date | None,
    years: int,
    actor: AuditActor,
    now: datetime,
) -> Calendar:
    """Add the file's occurrences within `years` from `first_day` (1 January of this year in
    the calendar's time zone when None); nothing changes unless the whole file is accepted."""
    async with conn.transaction():
        calendar = await _locked(conn=conn, name=name)
        horizon = Horizon.of(first_day or new_year(now, calendar.time_zone), years)
        try:
            imported = await asyncio.to_thread(
                holidays_from_ical, ical, horizon=horizon, time_zone=calendar.time_zone
            )
        except ICalendarError as exc:
            raise invalid_field(exc.field, exc.reason) from None
        return await _add(
            conn=conn,
            calendar=calendar,
            new=imported,
            field="ical",
            change=Audited(actor=actor, action="holidays_imported"),
            now=now,
        )


async def import_preset_holidays(
    *,
    conn: asyncpg.Connection,
    name: str,
    preset: HolidayPreset,
    actor: AuditActor,
    now: datetime,
) -> Calendar:
    """Add the preset's holidays for its years (default: this year and the next ones)."""
    async with conn.transaction():
        calendar = await _locked(conn=conn, name=name)
        default = new_year(now, calendar.time_zone).year
        years = preset.years or list(range(default, default + DEFAULT_HORIZON_YEARS))
        try:
            imported = holidays_from_preset(preset, years=years)
        except PresetError as exc:
            raise invalid_field(exc.field, exc.reason) from None
        return await _add(
            conn=conn,
            calendar=calendar,
            new=imported,
            field="years",
            change=Audited(actor=actor, action="holidays_imported"),
            now=now,
        )


async def _locked(*, conn: asyncpg.Connection, name: str) -> Calendar:
    calendar = await lock_calendar(conn=conn, name=name)
    if calendar is None:
        raise not_found(f"no calendar named {name!r}")
    return calendar


async def _add(
    *,
    conn: asyncpg.Connection,
    calendar: Calendar,
    new: list[Holiday],
    field: str,
    change: "Audited",
    now: datetime,
) -> Calendar:
    """The calendar with `new` merged in, within the same limit as PUT."""
    merged = merge_holidays(calendar.holidays, new)
    if len(merged) > MAX_HOLIDAYS:
        raise invalid_field(
            field, f"the calendar would hold {len(merged)} holidays; at most {MAX_HOLIDAYS}"
        )
    updated = await replace_holidays(conn=conn, name=calendar.name, holidays=merged)
    assert updated is not None
    await announce_calendar(conn=conn, calendar=updated, change="updated", now=now)
    await audit_calendar(
        conn=conn,
        actor=change.actor,
        before=calendar,
        after=updated,
        action=change.action,
        now=now,
    )
    return updated


@dataclass(frozen=True)
class Audited:
    """Who makes a change, and the action the audit log names it by."""

    actor: AuditActor
    action: str
