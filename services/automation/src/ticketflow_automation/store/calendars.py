"""SQL for the calendars automation learns from sla (the last `calendar.changed` of each)."""

import asyncpg

from ticketflow_common.events import CalendarChanged


async def upsert_calendar(*, conn: asyncpg.Connection, event: CalendarChanged) -> None:
    """Keep the newest change of each calendar (an older one arriving late changes nothing)."""
    await conn.execute(
        "INSERT INTO calendars (name, definition, archived, changed_at)"
        " VALUES ($1, $2::jsonb, $3, $4)"
        " ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition,"
        " archived = EXCLUDED.archived, changed_at = EXCLUDED.changed_at"
        " WHERE calendars.changed_at <= EXCLUDED.changed_at",
        event.name,
        event.model_dump(mode="json"),
        event.change == "archived",
        event.changed_at,
    )
