"""Thin routes for calendars and their holidays (JSON, an iCalendar upload or a preset)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.problems import invalid_field
from ticketflow_sla.api.deps import AuditActorDep, Name, NowDep, PoolDep
from ticketflow_sla.commands.calendars import (
    calendar_page,
    import_ical_holidays,
    import_preset_holidays,
    save_calendar,
)
from ticketflow_sla.commands.retirement import retire_calendar
from ticketflow_sla.domain.calendars import Calendar, CalendarUpdate
from ticketflow_sla.domain.holiday_import import DEFAULT_HORIZON_YEARS, MAX_HORIZON_YEARS
from ticketflow_sla.domain.holiday_presets import FIRST_YEAR, LAST_YEAR, HolidayPreset

router = APIRouter(tags=["calendars"])

MAX_ICAL_BYTES = 1_000_000


@router.get("/calendars")
async def read_calendars(
    pool: PoolDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[Calendar]:
    """Live calendars by name."""
    async with pool.acquire() as conn:
        return await calendar_page(conn=conn, cursor=cursor, limit=limit)


@router.put("/calendars/{name}")
async def put_calendar(
    name: Name, body: CalendarUpdate, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Calendar:
    """Create or replace; running clocks use the new hours from their next change."""
    async with pool.acquire() as conn:
        return await save_calendar(conn=conn, name=name, update=body, actor=actor, now=now)


@router.delete("/calendars/{name}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_calendar(
    name: Name, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Response:
    """Archive the calendar (kept for clocks counting in it); 409 names the live policies
    and the timed tickets that use it. `PUT` brings it back."""
    async with pool.acquire() as conn:
        await retire_calendar(conn=conn, name=name, actor=actor, now=now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/calendars/{name}/holidays/ical")
async def import_holidays(
    name: Name,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
    ical: Annotated[bytes, Body(media_type="text/calendar", description="An .ics file.")],
    first_day: Annotated[
        date | None,
        Query(
            alias="from",
            description="First day of the horizon; default 1 January of the current year in"
            " the calendar's time zone.",
        ),
    ] = None,
    years: Annotated[
        int, Query(ge=1, le=MAX_HORIZON_YEARS, description="Length of the horizon in years.")
    ] = DEFAULT_HORIZON_YEARS,
) -> Calendar:
    """Add every occurrence within the horizon of the file's events (recurring ones expanded,
    multi-day ones as ranges, timed ones only if they span whole local days); days already
    present are kept once. Nothing changes unless the whole file is accepted."""
    if len(ical) > MAX_ICAL_BYTES:
        raise invalid_field("ical", f"at most {MAX_ICAL_BYTES} bytes")
    if first_day is not None and not FIRST_YEAR <= first_day.year <= LAST_YEAR:
        raise invalid_field("query:from", f"a year from {FIRST_YEAR} to {LAST_YEAR}")
    async with pool.acquire() as conn:
        return await import_ical_holidays(
            conn=conn,
            name=name,
            ical=ical,
            first_day=first_day,
            years=years,
            actor=actor,
            now=now,
        )


@router.post("/calendars/{name}/holidays/preset")
async def import_preset(
    name: Name, body: HolidayPreset, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Calendar:
    """Add a country's (or region's) public holidays from the `holidays` package."""
    async with pool.acquire() as conn:
        return await import_preset_holidays(conn=conn, name=name, preset=body, actor=actor, now=now)
