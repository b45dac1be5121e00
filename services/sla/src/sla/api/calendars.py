"""Thin routes for calendars and their holidays (JSON or an iCalendar upload)."""

from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Path, Response, status

from sla.api.deps import ClockDep, PoolDep
from sla.domain.calendars import (
    Calendar,
    CalendarUpdate,
    ICalendarError,
    holidays_from_ical,
    merge_holidays,
)
from sla.domain.policies import NAME_PATTERN
from sla.retirement import retire_calendar
from sla.store.calendars import list_calendars, lock_calendar, replace_holidays, upsert_calendar
from ticketflow_common.problems import invalid_field

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
    ical: Annotated[
        bytes, Body(media_type="text/calendar", description="An .ics file of all-day events.")
    ],
) -> Calendar:
    """Add the file's all-day events as holidays (days already present are kept once)."""
    if len(ical) > MAX_ICAL_BYTES:
        raise invalid_field("body", f"at most {MAX_ICAL_BYTES} bytes")
    try:
        imported = holidays_from_ical(ical)
    except ICalendarError as exc:
        raise invalid_field("body", str(exc)) from None
    async with pool.acquire() as conn, conn.transaction():
        calendar = await lock_calendar(conn=conn, name=name)
        if calendar is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no calendar named {name!r}")
        merged = merge_holidays(calendar.holidays, imported)
        updated = await replace_holidays(conn=conn, name=name, holidays=merged)
        assert updated is not None
        return updated
