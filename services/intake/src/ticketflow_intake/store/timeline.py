"""SQL for the timeline: every event of a ticket from all four services."""

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events.automation import ActionOutcome
from ticketflow_intake.domain.timeline import TimelineEntry


async def record(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    event: Envelope,
    outcomes: Sequence[ActionOutcome] | None = None,
) -> bool:
    """Add the event to the ticket's timeline (with what intake did of an automation event's
    actions); one already there is not added twice (False)."""
    added = await conn.fetchval(
        "INSERT INTO timeline (ticket_id, event_id, event_type, source, occurred_at, data,"
        " outcomes) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (event_id) DO NOTHING RETURNING true",
        ticket_id,
        event.id,
        event.type,
        event.source,
        event.time,
        event.data,
        None if outcomes is None else [o.model_dump(mode="json") for o in outcomes],
    )
    return bool(added)


async def set_outcomes(
    *, conn: asyncpg.Connection, event_id: UUID, outcomes: Sequence[ActionOutcome]
) -> None:
    """What intake did with an automation event's actions, on its entry."""
    await conn.execute(
        "UPDATE timeline SET outcomes = $2 WHERE event_id = $1",
        event_id,
        [o.model_dump(mode="json") for o in outcomes],
    )


async def timeline_of(*, conn: asyncpg.Connection, ticket_id: UUID) -> list[TimelineEntry]:
    rows = await conn.fetch(
        "SELECT event_id, event_type AS type, source, occurred_at AS time, data, outcomes"
        " FROM timeline WHERE ticket_id = $1 ORDER BY occurred_at, id",
        ticket_id,
    )
    return [TimelineEntry.model_validate(dict(r)) for r in rows]
