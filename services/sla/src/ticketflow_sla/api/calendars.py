"""Thin routes for calendars and their holidays (JSON, an iCalendar upload or a preset)."""

import asyncio
from datetime import date
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Body, HTTPException, Path, Query, Response, status

from ticketflow_common.problems import invalid_field
from ticketflow_sla.api.deps import ClockDep, PoolDep
from ticketflow_sla.domain.calendars import (
    MAX_HOLIDAYS,
    Calendar,
    CalendarUpdate,
    Holiday,
    merge_holidays,
)
from ticketflow_sla.domain.holiday_import import (
    DEFAULT_HORIZON_YEARS,
    MAX_HORIZON_YEARS,
    Horizon,
    ICalendarError,
    holidays_from_ical,
    new_year,
)
from ticketflow_sla.domain.holiday_presets import (
    FIRST_YEAR,
    LAST_YEAR,
    HolidayPreset,
    PresetError,
    holidays_from_preset,
)
from ticketflow_sla.domain.policies import NAME_PATTERN
from ticketflow_sla.retirement import retire_calendar
from ticketflow_sla.store.calendars import (
    list_calendars,
    lock_calendar,
    replace_holidays,
    upsert_calendar,
)

router = APIRouter(tags=["calendars"])

Name = Annotated[str, Path(min_length=1, max_length=100, pattern=NAME_PATTERN)]
MAX_ICAL_BYTES = 1_000_000


@router.get("/calendars")
async def read_calendars(pool: PoolDep) -> list[Calendar]:
    async with pool.acquire() as conn:
        return await list_calendars(conn=conn)


@router.put("/calendars/{name}")
async def put_calendar(name: Name, body: CalendarUpdate, pool: PoolDep) -> Calendar:
    """Create or replace; running clocks use the new hours from their next change."""
    async with pool.acquire() as conn:
        return await upsert_calendar(conn=conn, name=name, update=body)


@router.delete("/calendars/{name}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_calendar(name: Name, pool: PoolDep, clock: ClockDep) -> Response:
    """Archive the calendar (kept for clocks counting in it); 409 names the live policies
    and the timed tickets that use it. `PUT` brings it back."""
    async with pool.acquire() as conn, conn.transaction():
        if not await retire_calendar(conn=conn, name=name, now=clock()):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no calendar named {name!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/calendars/{name}/holidays/ical")
async def import_holidays(
    name: Name,
    pool: PoolDep,
    clock: ClockDep,
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
    async with pool.acquire() as conn, conn.transaction():
        calendar = await _locked(conn=conn, name=name)
        horizon = Horizon.of(first_day or new_year(clock(), calendar.time_zone), years)
        try:
            imported = await asyncio.to_thread(
                holidays_from_ical, ical, horizon=horizon, time_zone=calendar.time_zone
            )
        except ICalendarError as exc:
            raise invalid_field(exc.field, exc.reason) from None
        return await _add(conn=conn, calendar=calendar, new=imported, field="ical")


@router.post("/calendars/{name}/holidays/preset")
async def import_preset(
    name: Name, body: HolidayPreset, pool: PoolDep, clock: ClockDep
) -> Calendar:
    """Add a country's (or region's) public holidays from the `holidays` package."""
    async with pool.acquire() as conn, conn.transaction():
        calendar = await _locked(conn=conn, name=name)
        default = new_year(clock(), calendar.time_zone).year
        years = body.years or list(range(default, default + DEFAULT_HORIZON_YEARS))
        try:
            imported = holidays_from_preset(body, years=years)
        except PresetError as exc:
            raise invalid_field(exc.field, exc.reason) from None
        return await _add(conn=conn, calendar=calendar, new=imported, field="years")


async def _locked(*, conn: asyncpg.Connection, name: str) -> Calendar:
    calendar = await lock_calendar(conn=conn, name=name)
    if calendar is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no calendar named {name!r}")
    return calendar


async def _add(
    *, conn: asyncpg.Connection, calendar: Calendar, new: list[Holiday], field: str
) -> Calendar:
    """The calendar with `new` merged in, within the same limit as PUT."""
    merged = merge_holidays(calendar.holidays, new)
    if len(merged) > MAX_HOLIDAYS:
        raise invalid_field(
            field, f"the calendar would hold {len(merged)} holidays; at most {MAX_HOLIDAYS}"
        )
    updated = await replace_holidays(conn=conn, name=calendar.name, holidays=merged)
    assert updated is not None
    return updated
