"""The ticket facts: the dimensions ticket events carry, the status and ownership logs, the
columns derived from them, arrivals per 15 minutes, comments and CSAT."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_insights.domain.ticket_timeline import (
    OwnershipChange,
    StatusChange,
    TicketTimeline,
)


async def ensure_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> None:
    """A row for a ticket first heard of through another topic than intake's."""
    await conn.execute(
        "INSERT INTO tickets (ticket_id) VALUES ($1) ON CONFLICT (ticket_id) DO NOTHING", ticket_id
    )


async def upsert_ticket_dimensions(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    version: int,
    team: str | None,
    channel: str,
    category: str | None,
    priority: str,
    language: str,
    requester_id: str,
    assignee_id: UUID | None,
    at: datetime,
) -> None:
    """The dimensions of the ticket's newest version win, whatever order they came in; the
    assignee only stands until routing's own ownership events are known."""
    await conn.execute(
        "INSERT INTO tickets (ticket_id, version, facts_team, team, channel, category, priority,"
        " language, requester_id, assignee_id, updated_at)"
        " VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (ticket_id) DO UPDATE SET version = excluded.version,"
        " facts_team = excluded.facts_team, channel = excluded.channel,"
        " category = excluded.category, priority = excluded.priority,"
        " language = excluded.language, requester_id = excluded.requester_id,"
        " updated_at = excluded.updated_at,"
        " assignee_id = CASE WHEN EXISTS (SELECT 1 FROM ticket_ownership_changes o"
        "   WHERE o.ticket_id = excluded.ticket_id) THEN tickets.assignee_id"
        "   ELSE excluded.assignee_id END"
        " WHERE tickets.version <= excluded.version",
        ticket_id,
        version,
        team,
        channel,
        category,
        priority,
        language,
        requester_id,
        assignee_id,
        at,
    )


async def set_created_at(
    *, conn: asyncpg.Connection, ticket_id: UUID, created_at: datetime
) -> None:
    await conn.execute(
        "UPDATE tickets SET created_at = $2 WHERE ticket_id = $1", ticket_id, created_at
    )


async def add_arrival(
    *,
    conn: asyncpg.Connection,
    interval_start: datetime,
    team: str,
    channel: str,
    category: str,
    priority: str,
) -> None:
    await conn.execute(
        "INSERT INTO arrivals (interval_start, team, channel, category, priority, arrivals)"
        " VALUES ($1, $2, $3, $4, $5, 1)"
        " ON CONFLICT (interval_start, team, channel, category, priority)"
        " DO UPDATE SET arrivals = arrivals.arrivals + 1",
        interval_start,
        team,
        channel,
        category,
        priority,
    )


async def record_status_change(
    *, conn: asyncpg.Connection, ticket_id: UUID, change: StatusChange
) -> None:
    await conn.execute(
        "INSERT INTO ticket_status_changes"
        " (ticket_id, changed_at, version, event_id, status, reopened, assignee_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (ticket_id, event_id) DO NOTHING",
        ticket_id,
        change.at,
        change.version,
        change.event_id,
        change.status,
        change.reopened,
        change.assignee_id,
    )


async def record_ownership_change(
    *, conn: asyncpg.Connection, ticket_id: UUID, change: OwnershipChange
) -> None:
    await conn.execute(
        "INSERT INTO ticket_ownership_changes"
        " (ticket_id, changed_at, event_id, kind, agent_id, team, queue_position)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (ticket_id, event_id) DO NOTHING",
        ticket_id,
        change.at,
        change.event_id,
        change.kind,
        change.agent_id,
        change.team,
        change.queue_position,
    )


async def changes_of(
    *, conn: asyncpg.Connection, ticket_ids: Sequence[UUID]
) -> tuple[dict[UUID, list[StatusChange]], dict[UUID, list[OwnershipChange]]]:
    """Every status and ownership change of these tickets."""
    statuses: dict[UUID, list[StatusChange]] = {t: [] for t in ticket_ids}
    ownerships: dict[UUID, list[OwnershipChange]] = {t: [] for t in ticket_ids}
    for row in await conn.fetch(
        "SELECT * FROM ticket_status_changes WHERE ticket_id = ANY($1::uuid[])", ticket_ids
    ):
        statuses[row["ticket_id"]].append(
            StatusChange(
                at=row["changed_at"],
                version=row["version"],
                event_id=row["event_id"],
                status=row["status"],
                reopened=row["reopened"],
                assignee_id=row["assignee_id"],
            )
        )
    for row in await conn.fetch(
        "SELECT * FROM ticket_ownership_changes WHERE ticket_id = ANY($1::uuid[])", ticket_ids
    ):
        ownerships[row["ticket_id"]].append(
            OwnershipChange(
                at=row["changed_at"],
                event_id=row["event_id"],
                kind=row["kind"],
                agent_id=row["agent_id"],
                team=row["team"],
                queue_position=row["queue_position"],
            )
        )
    return statuses, ownerships


async def store_timelines(
    *, conn: asyncpg.Connection, timelines: dict[UUID, TicketTimeline]
) -> None:
    """Write the derived columns and the dwell rows of these tickets (many in one statement)."""
    ids = list(timelines)
    lines = [timelines[t] for t in ids]
    await conn.execute(
        "UPDATE tickets t SET status = coalesce(u.status, t.status),"
        " status_since = u.status_since, resolved_at = u.resolved_at,"
        " resolved_by = u.resolved_by, closed_at = u.closed_at, reopen_count = u.reopen_count,"
        " handling_seconds = u.handling_seconds,"
        " assignee_id = CASE WHEN u.owned THEN u.assignee_id ELSE t.assignee_id END,"
        " first_assigned_at = u.first_assigned_at, assigned_at = u.assigned_at,"
        " queued_at = u.queued_at, queue_position = u.queue_position,"
        " team = coalesce(t.facts_team, u.routed_team)"
        " FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::uuid[],"
        " $6::timestamptz[], $7::int[], $8::float8[], $9::bool[], $10::uuid[],"
        " $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::int[], $15::text[])"
        " AS u(ticket_id, status, status_since, resolved_at, resolved_by, closed_at,"
        " reopen_count, handling_seconds, owned, assignee_id, first_assigned_at, assigned_at,"
        " queued_at, queue_position, routed_team)"
        " WHERE t.ticket_id = u.ticket_id",
        ids,
        [x.status for x in lines],
        [x.status_since for x in lines],
        [x.resolved_at for x in lines],
        [x.resolved_by for x in lines],
        [x.closed_at for x in lines],
        [x.reopen_count for x in lines],
        [x.handling_seconds for x in lines],
        [x.owned for x in lines],
        [x.assignee_id for x in lines],
        [x.first_assigned_at for x in lines],
        [x.assigned_at for x in lines],
        [x.queued_at for x in lines],
        [x.queue_position for x in lines],
        [x.routed_team for x in lines],
    )
    await conn.execute("DELETE FROM ticket_status_dwell WHERE ticket_id = ANY($1::uuid[])", ids)
    dwell = [(t, s, sec) for t in ids for s, sec in timelines[t].dwell_seconds.items()]
    await conn.execute(
        "INSERT INTO ticket_status_dwell (ticket_id, status, seconds)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::float8[])",
        [d[0] for d in dwell],
        [d[1] for d in dwell],
        [d[2] for d in dwell],
    )


async def record_first_response(
    *, conn: asyncpg.Connection, ticket_id: UUID, at: datetime, responder_id: UUID | None
) -> None:
    """The earliest first response wins, whichever came first."""
    await conn.execute(
        "UPDATE tickets SET first_response_at = $2, first_responder_id = $3"
        " WHERE ticket_id = $1 AND (first_response_at IS NULL OR first_response_at > $2)",
        ticket_id,
        at,
        responder_id,
    )


async def count_agent_reply(*, conn: asyncpg.Connection, ticket_id: UUID) -> None:
    await conn.execute(
        "UPDATE tickets SET agent_replies = agent_replies + 1 WHERE ticket_id = $1", ticket_id
    )


async def record_csat(
    *, conn: asyncpg.Connection, ticket_id: UUID, rating: int, at: datetime
) -> None:
    """The latest rating stands."""
    await conn.execute(
        "UPDATE tickets SET csat_rating = $2, csat_at = $3"
        " WHERE ticket_id = $1 AND (csat_at IS NULL OR csat_at <= $3)",
        ticket_id,
        rating,
        at,
    )
