"""The ticket facts: the dimensions ticket events carry, the status and ownership logs, the
columns derived from them, arrivals per 15 minutes, comments and CSAT."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_insights.domain.ticket_timeline import (
    OwnershipChange,
    StatusChange,
    TicketTimeline,
)
from ticketflow_insights.store.facts_batch import execute


@dataclass(frozen=True)
class TicketEventFacts:
    """What one ticket event tells about its ticket, applied in one statement."""

    ticket_id: UUID
    version: int
    team: str | None
    channel: str
    category: str | None
    priority: str
    language: str
    requester_id: str
    assignee_id: UUID | None
    at: datetime
    created_at: datetime | None = None
    first_response_at: datetime | None = None
    first_responder_id: UUID | None = None
    agent_replies: int = 0
    csat_rating: int | None = None
    csat_at: datetime | None = None
    status_change: StatusChange | None = None


def _newest(column: str) -> str:
    """The column of the ticket's newest version wins, whatever order events came in."""
    return (
        f"{column} = CASE WHEN excluded.version >= tickets.version"
        f" THEN excluded.{column} ELSE tickets.{column} END"
    )


_UPSERT_TICKET = (
    "INSERT INTO tickets (ticket_id, version, facts_team, team, channel, category, priority,"
    " language, requester_id, assignee_id, updated_at, created_at, first_response_at,"
    " first_responder_id, agent_replies, csat_rating, csat_at)"
    " VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    " ON CONFLICT (ticket_id) DO UPDATE SET "
    + ", ".join(
        _newest(c)
        for c in ("facts_team", "channel", "category", "priority", "language", "requester_id")
    )
    + ", updated_at = CASE WHEN excluded.version >= tickets.version"
    "   THEN excluded.updated_at ELSE tickets.updated_at END,"
    " version = greatest(tickets.version, excluded.version),"
    # the facts' assignee only stands until routing's own ownership changes are known
    " assignee_id = CASE WHEN excluded.version < tickets.version OR EXISTS (SELECT 1"
    "   FROM ticket_ownership_changes o WHERE o.ticket_id = excluded.ticket_id)"
    "   THEN tickets.assignee_id ELSE excluded.assignee_id END,"
    " created_at = coalesce(tickets.created_at, excluded.created_at),"
    # the earliest first response stands
    " first_responder_id = CASE WHEN excluded.first_response_at IS NOT NULL AND"
    "   (tickets.first_response_at IS NULL"
    "    OR excluded.first_response_at < tickets.first_response_at)"
    "   THEN excluded.first_responder_id ELSE tickets.first_responder_id END,"
    " first_response_at = least(tickets.first_response_at, excluded.first_response_at),"
    " agent_replies = tickets.agent_replies + excluded.agent_replies,"
    # the latest rating stands
    " csat_rating = CASE WHEN excluded.csat_at IS NOT NULL AND"
    "   (tickets.csat_at IS NULL OR excluded.csat_at >= tickets.csat_at)"
    "   THEN excluded.csat_rating ELSE tickets.csat_rating END,"
    " csat_at = greatest(tickets.csat_at, excluded.csat_at)"
)
_LOG_STATUS = (
    "INSERT INTO ticket_status_changes"
    " (ticket_id, changed_at, version, event_id, status, reopened, assignee_id)"
    " VALUES ($1, $17, $18, $19, $20, $21, $22) ON CONFLICT (ticket_id, event_id) DO NOTHING"
)


_UPSERT_AND_LOG_STATUS = f"WITH ticket AS ({_UPSERT_TICKET} RETURNING 1) {_LOG_STATUS}"


async def apply_ticket_event(*, conn: asyncpg.Connection, facts: TicketEventFacts) -> None:
    """Upsert the ticket (and log its status change): one statement, one round trip."""
    args: list[object] = [
        facts.ticket_id,
        facts.version,
        facts.team,
        facts.channel,
        facts.category,
        facts.priority,
        facts.language,
        facts.requester_id,
        facts.assignee_id,
        facts.at,
        facts.created_at,
        facts.first_response_at,
        facts.first_responder_id,
        facts.agent_replies,
        facts.csat_rating,
        facts.csat_at,
    ]
    change = facts.status_change
    if change is None:
        await execute(conn, _UPSERT_TICKET, *args)
        return
    await execute(
        conn,
        _UPSERT_AND_LOG_STATUS,
        *args,
        change.at,
        change.version,
        change.event_id,
        change.status,
        change.reopened,
        change.assignee_id,
    )


ArrivalKey = tuple[datetime, str, str, str, str]
"""interval_start, team, channel, category, priority."""


async def add_arrivals(*, conn: asyncpg.Connection, counts: dict[ArrivalKey, int]) -> None:
    """Add to the buckets, in key order (concurrent writers lock rows in the same order)."""
    keys = sorted(counts)
    await conn.execute(
        "INSERT INTO arrivals (interval_start, team, channel, category, priority, arrivals)"
        " SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[],"
        " $5::text[], $6::int[])"
        " ON CONFLICT (interval_start, team, channel, category, priority)"
        " DO UPDATE SET arrivals = arrivals.arrivals + excluded.arrivals",
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [k[3] for k in keys],
        [k[4] for k in keys],
        [counts[k] for k in keys],
    )


async def record_ownership_change(
    *, conn: asyncpg.Connection, ticket_id: UUID, change: OwnershipChange
) -> None:
    """Log the change, with a ticket row if the ticket is not known yet (one statement)."""
    await execute(
        conn,
        "WITH ticket AS (INSERT INTO tickets (ticket_id) VALUES ($1)"
        "   ON CONFLICT (ticket_id) DO NOTHING RETURNING 1)"
        " INSERT INTO ticket_ownership_changes"
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


async def lock_tickets(*, conn: asyncpg.Connection, ticket_ids: Sequence[UUID]) -> None:
    """Wait for whoever else is recomputing these tickets: what they logged is then seen."""
    await conn.execute(
        "SELECT 1 FROM tickets WHERE ticket_id = ANY($1::uuid[]) ORDER BY ticket_id FOR UPDATE",
        list(ticket_ids),
    )


async def changes_of(
    *, conn: asyncpg.Connection, ticket_ids: Sequence[UUID]
) -> tuple[dict[UUID, list[StatusChange]], dict[UUID, list[OwnershipChange]]]:
    """Every status and ownership change of these tickets (one query)."""
    statuses: dict[UUID, list[StatusChange]] = {t: [] for t in ticket_ids}
    ownerships: dict[UUID, list[OwnershipChange]] = {t: [] for t in ticket_ids}
    rows = await conn.fetch(
        "SELECT ticket_id, changed_at, event_id, status AS kind, version, reopened, assignee_id"
        " AS agent_id, NULL::text AS team, NULL::int AS queue_position, true AS is_status"
        " FROM ticket_status_changes WHERE ticket_id = ANY($1::uuid[])"
        " UNION ALL SELECT ticket_id, changed_at, event_id, kind, 0, false, agent_id, team,"
        " queue_position, false FROM ticket_ownership_changes WHERE ticket_id = ANY($1::uuid[])",
        list(ticket_ids),
    )
    for row in rows:
        if row["is_status"]:
            statuses[row["ticket_id"]].append(
                StatusChange(
                    at=row["changed_at"],
                    version=row["version"],
                    event_id=row["event_id"],
                    status=row["kind"],
                    reopened=row["reopened"],
                    assignee_id=row["agent_id"],
                )
            )
        else:
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
    """Write the derived columns and the dwell rows of these tickets, in one statement (a
    ticket's statuses only grow as changes arrive, so its dwell rows are only upserted)."""
    ids = list(timelines)
    lines = [timelines[t] for t in ids]
    dwell = [(t, st, sec) for t in ids for st, sec in timelines[t].dwell_seconds.items()]
    await conn.execute(
        "WITH dwell AS (INSERT INTO ticket_status_dwell (ticket_id, status, seconds)"
        "   SELECT * FROM unnest($16::uuid[], $17::text[], $18::float8[])"
        "   ON CONFLICT (ticket_id, status) DO UPDATE SET seconds = excluded.seconds)"
        " UPDATE tickets t SET status = coalesce(u.status, t.status),"
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
        [d[0] for d in dwell],
        [d[1] for d in dwell],
        [d[2] for d in dwell],
    )
