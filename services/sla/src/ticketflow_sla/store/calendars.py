"""SQL for calendars (holidays live in the calendar's row)."""

import asyncpg

from ticketflow_sla.domain.calendars import Calendar, CalendarUpdate, Holiday


def _calendar(row: asyncpg.Record) -> Calendar:
    return Calendar.model_validate(
        {k: v for k, v in dict(row).items() if k not in ("archived_at", "created")}
    )


async def get_calendar(*, conn: asyncpg.Connection, name: str) -> Calendar | None:
    """Archived too: a running clock keeps counting in the calendar it started with."""
    row = await conn.fetchrow("SELECT * FROM calendars WHERE name = $1", name)
    return _calendar(row) if row else None


async def calendars_after(
    *, conn: asyncpg.Connection, after: str | None, limit: int
) -> list[Calendar]:
    """Live calendars by name, after a name (a page's keyset position)."""
    rows = await conn.fetch(
        "SELECT * FROM calendars WHERE archived_at IS NULL AND ($1::text IS NULL OR name > $1)"
        " ORDER BY name LIMIT $2",
        after,
        limit,
    )
    return [_calendar(r) for r in rows]


async def upsert_calendar(
    *, conn: asyncpg.Connection, name: str, update: CalendarUpdate
) -> tuple[Calendar, bool]:
    """The calendar as stored, and True when it did not exist before (archived ones did)."""
    row = await conn.fetchrow(
        "INSERT INTO calendars (name, time_zone, always_open, week, holidays)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO UPDATE SET time_zone = $2,"
        " always_open = $3, week = $4, holidays = $5, updated_at = now(), archived_at = NULL"
        " RETURNING *, xmax = 0 AS created",
        name,
        update.time_zone,
        update.always_open,
        update.model_dump(mode="json")["week"],
        update.model_dump(mode="json")["holidays"],
    )
    return _calendar(row), bool(row["created"])


async def replace_holidays(
    *, conn: asyncpg.Connection, name: str, holidays: list[Holiday]
) -> Calendar | None:
    row = await conn.fetchrow(
        "UPDATE calendars SET holidays = $2, updated_at = now()"
        " WHERE name = $1 AND archived_at IS NULL RETURNING *",
        name,
        [h.model_dump(mode="json") for h in holidays],
    )
    return _calendar(row) if row else None


async def lock_calendar(*, conn: asyncpg.Connection, name: str) -> Calendar | None:
    row = await conn.fetchrow(
        "SELECT * FROM calendars WHERE name = $1 AND archived_at IS NULL FOR UPDATE", name
    )
    return _calendar(row) if row else None


async def all_calendars(*, conn: asyncpg.Connection) -> list[Calendar]:
    """Every calendar, archived too: what the in-memory configuration holds."""
    rows = await conn.fetch("SELECT * FROM calendars ORDER BY name")
    return [_calendar(r) for r in rows]
