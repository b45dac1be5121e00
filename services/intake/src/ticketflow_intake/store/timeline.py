"""SQL for the timeline: every event of a ticket from all four services."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events.automation import ActionOutcome
from ticketflow_common.json_codec import json_text
from ticketflow_intake.domain.tickets import Owner
from ticketflow_intake.domain.timeline import TimelineEntry
from ticketflow_intake.store.tickets import OWNER_COLUMNS


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


async def record_if_ticket(*, conn: asyncpg.Connection, ticket_id: UUID, event: Envelope) -> bool:
    """Add the event to the ticket's timeline if the ticket is ours, in one round trip: whether
    it is (an entry already there is not added twice)."""
    found: bool = await conn.fetchval(
        "WITH ticket AS (SELECT id FROM tickets WHERE id = $1),"
        " added AS (INSERT INTO timeline (ticket_id, event_id, event_type, source, occurred_at,"
        " data) SELECT id, $2, $3, $4, $5, $6 FROM ticket ON CONFLICT (event_id) DO NOTHING)"
        " SELECT EXISTS (SELECT 1 FROM ticket)",
        ticket_id,
        event.id,
        event.type,
        event.source,
        event.time,
        event.data,
    )
    return found


_GIVEN_EVENTS = (
    "given AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[],"
    " $5::timestamptz[], $6::text[]) WITH ORDINALITY"
    " AS g(ticket_id, event_id, event_type, source, occurred_at, data, n)),"
    " known AS (SELECT g.* FROM given g JOIN tickets t ON t.id = g.ticket_id),"
    " added AS (INSERT INTO timeline (ticket_id, event_id, event_type, source, occurred_at,"
    " data) SELECT ticket_id, event_id, event_type, source, occurred_at, data::jsonb"
    " FROM known ORDER BY n ON CONFLICT (event_id) DO NOTHING)"
)
"""The events ($1-$6, one array each) of tickets that are ours, added to their timelines in
the order given: the part `record_all_if_ticket` and `record_owners_if_ticket` share."""


def _event_arrays(entries: Sequence[tuple[UUID, Envelope]]) -> list[list[object]]:
    return [
        [ticket_id for ticket_id, _ in entries],
        [e.id for _, e in entries],
        [e.type for _, e in entries],
        [e.source for _, e in entries],
        [e.time for _, e in entries],
        [json_text(e.data) for _, e in entries],
    ]


async def record_all_if_ticket(
    *, conn: asyncpg.Connection, entries: Sequence[tuple[UUID, Envelope]]
) -> None:
    """`record_if_ticket` for many events (ticket id, event) in one statement."""
    await conn.execute(f"WITH {_GIVEN_EVENTS} SELECT 1", *_event_arrays(entries))


async def record_owners_if_ticket(
    *, conn: asyncpg.Connection, entries: Sequence[tuple[UUID, Envelope, Owner]]
) -> None:
    """`record_owner_if_ticket` for many assignments in one statement: each on its ticket's
    timeline, and each ticket's owner the latest of them (the last of equals, as one by one)."""
    owners = [owner for _, _, owner in entries]
    await conn.execute(
        f"WITH {_GIVEN_EVENTS},"
        " owners AS (SELECT * FROM unnest($7::uuid[], $8::text[], $9::text[],"
        " $10::timestamptz[]) WITH ORDINALITY AS o(agent_id, agent_name, team, assigned_at, n)),"
        " latest AS (SELECT DISTINCT ON (k.ticket_id) k.ticket_id, o.* FROM known k"
        " JOIN owners o ON o.n = k.n ORDER BY k.ticket_id, o.assigned_at DESC, o.n DESC)"
        f" UPDATE tickets t SET ({OWNER_COLUMNS}) ="
        " (l.agent_id, l.agent_name, l.team, l.assigned_at) FROM latest l"
        " WHERE t.id = l.ticket_id AND (t.assigned_at IS NULL OR t.assigned_at <= l.assigned_at)",
        *_event_arrays([(ticket_id, event) for ticket_id, event, _ in entries]),
        [o.agent_id for o in owners],
        [o.agent_name for o in owners],
        [o.team for o in owners],
        [o.assigned_at for o in owners],
    )


async def record_owner_if_ticket(
    *, conn: asyncpg.Connection, ticket_id: UUID, event: Envelope, owner: Owner
) -> bool:
    """Routing's assignment on the ticket's timeline and as its owner (an older assignment
    never overwrites a newer one), in one round trip: whether the ticket is ours."""
    found: bool = await conn.fetchval(
        "WITH ticket AS (SELECT id FROM tickets WHERE id = $1),"
        " added AS (INSERT INTO timeline (ticket_id, event_id, event_type, source, occurred_at,"
        " data) SELECT id, $2, $3, $4, $5, $6 FROM ticket ON CONFLICT (event_id) DO NOTHING),"
        f" owned AS (UPDATE tickets SET ({OWNER_COLUMNS}) = ($7, $8, $9, $10) WHERE id = $1"
        " AND (assigned_at IS NULL OR assigned_at <= $10))"
        " SELECT EXISTS (SELECT 1 FROM ticket)",
        ticket_id,
        event.id,
        event.type,
        event.source,
        event.time,
        event.data,
        owner.agent_id,
        owner.agent_name,
        owner.team,
        owner.assigned_at,
    )
    return found


async def set_outcomes(
    *, conn: asyncpg.Connection, event_id: UUID, outcomes: Sequence[ActionOutcome]
) -> None:
    """What intake did with an automation event's actions, on its entry."""
    await conn.execute(
        "UPDATE timeline SET outcomes = $2 WHERE event_id = $1",
        event_id,
        [o.model_dump(mode="json") for o in outcomes],
    )


async def timeline_after(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    after: tuple[datetime, int] | None,
    types: Sequence[str] | None,
    limit: int,
) -> list[tuple[int, TimelineEntry]]:
    """Up to `limit` entries (with their row ids, the keyset tie-break) after the position,
    oldest first; only of `types` when given."""
    at, row_id = after if after else (None, None)
    rows = await conn.fetch(
        "SELECT id, event_id, event_type AS type, source, occurred_at AS time, data, outcomes"
        " FROM timeline WHERE ticket_id = $1"
        " AND ($2::timestamptz IS NULL OR (occurred_at, id) > ($2, $3::bigint))"
        " AND ($4::text[] IS NULL OR event_type = ANY($4::text[]))"
        " ORDER BY occurred_at, id LIMIT $5",
        ticket_id,
        at,
        row_id,
        None if types is None else list(types),
        limit,
    )
    return [
        (r["id"], TimelineEntry.model_validate({k: v for k, v in r.items() if k != "id"}))
        for r in rows
    ]


async def internal_note_events(*, conn: asyncpg.Connection, ticket_id: UUID) -> set[str]:
    """The event ids of the ticket's internal notes: entries about them are internal too."""
    rows = await conn.fetch(
        "SELECT event_id FROM timeline WHERE ticket_id = $1 AND event_type = 'ticket.commented'"
        " AND data->'public' IS DISTINCT FROM 'true'::jsonb",
        ticket_id,
    )
    return {str(r["event_id"]) for r in rows}
