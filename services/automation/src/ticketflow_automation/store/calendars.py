"""SQL for the calendars automation learns from sla (the last `calendar.changed` of each)."""

from collections.abc import Sequence
from datetime import datetime

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


async def calendar_definitions(
    *, conn: asyncpg.Connection, names: Sequence[str]
) -> dict[str, tuple[datetime, CalendarChanged]]:
    """The last change of each named calendar still in use (archived ones are unknown)."""
    if not names:
        return {}
    rows = await conn.fetch(
        "SELECT name, definition, changed_at FROM calendars"
        " WHERE name = ANY($1::text[]) AND NOT archived",
        list(names),
    )
    return {
        r["name"]: (r["changed_at"], CalendarChanged.model_validate(r["definition"])) for r in rows
    }
