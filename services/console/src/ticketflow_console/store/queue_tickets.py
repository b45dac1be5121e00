"""SQL of the queue read model: tickets as the bus told them, their SLA clocks, and a queue
read as one range of an index."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_console.domain.urgency import OPEN_STATUSES, PRIORITY_RANK, Deadline, QueueTicket

ROW = (
    "ticket_id, subject, status, is_open, priority, owner_agent_id, team, next_due_at,"
    " next_metric, next_breached, created_at"
)
RETURNED = ", ".join("q." + column for column in ROW.split(", "))
URGENCY_ORDER = "(next_due_at IS NULL), next_due_at, priority_rank, created_at, ticket_id"


@dataclass(frozen=True)
class ProjectedTicket:
    """A ticket as the projection holds it after a change, and who owned it before."""

    row: QueueTicket
    is_open: bool
    owner: str | None
    team: str | None
    previous_owner: str | None


@dataclass(frozen=True)
class TicketFacts:
    """What an intake event tells of a ticket (`subject` None: not told)."""

    ticket_id: UUID
    subject: str | None
    status: str
    priority: str
    assignee_id: UUID | None
    team: str | None
    version: int
    created_at: datetime | None


async def apply_ticket_facts(
    *, conn: asyncpg.Connection, facts: TicketFacts, now: datetime
) -> ProjectedTicket | None:
    """Record intake's view (an older version than the one held is ignored). Intake's owner only
    fills an empty one: routing's own events decide who owns a ticket."""
    before = await _owner_before(conn, facts.ticket_id)
    await conn.execute(
        "INSERT INTO queue_tickets (ticket_id, subject, status, is_open, priority, priority_rank,"
        " owner_agent_id, team, version, created_at, changed_at)"
        " VALUES ($1, COALESCE($2, ''), $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT (ticket_id) DO UPDATE SET"
        " subject = COALESCE($2, queue_tickets.subject), status = $3, is_open = $4,"
        " priority = $5, priority_rank = $6,"
        " owner_agent_id = COALESCE(queue_tickets.owner_agent_id, $7),"
        " team = COALESCE($8, queue_tickets.team), version = $9,"
        " created_at = LEAST(queue_tickets.created_at, $10), changed_at = $11"
        " WHERE queue_tickets.version <= $9",
        facts.ticket_id,
        facts.subject,
        facts.status,
        facts.status in OPEN_STATUSES,
        facts.priority,
        PRIORITY_RANK.get(facts.priority, len(PRIORITY_RANK)),
        facts.assignee_id,
        facts.team,
        facts.version,
        facts.created_at or now,
        now,
    )
    return await refresh_deadline(conn=conn, ticket_id=facts.ticket_id, previous_owner=before)


async def apply_owner(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    agent_id: UUID,
    assigned: bool,
    team: str | None,
    now: datetime,
) -> ProjectedTicket | None:
    """Routing assigned the ticket to `agent_id`, or took it from them (`assigned` False). A
    ticket not heard of yet is held as new until intake's event fills it in."""
    before = await _owner_before(conn, ticket_id)
    if assigned:
        await conn.execute(
            "INSERT INTO queue_tickets (ticket_id, status, is_open, priority, priority_rank,"
            " owner_agent_id, team, created_at, changed_at)"
            " VALUES ($1, 'new', true, 'normal', $2, $3, $4, $5, $5)"
            " ON CONFLICT (ticket_id) DO UPDATE SET owner_agent_id = $3,"
            " team = COALESCE($4, queue_tickets.team), changed_at = $5",
            ticket_id, PRIORITY_RANK["normal"], agent_id, team, now,
        )  # fmt: skip
    else:
        await conn.execute(
            "UPDATE queue_tickets SET owner_agent_id = NULL, changed_at = $3"
            " WHERE ticket_id = $1 AND owner_agent_id = $2",
            ticket_id, agent_id, now,
        )  # fmt: skip
    return await refresh_deadline(conn=conn, ticket_id=ticket_id, previous_owner=before)


async def apply_clock(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    metric: str,
    cycle: int,
    state: str | None,
    due_at: datetime | None,
    breached: bool | None,
    now: datetime,
) -> ProjectedTicket | None:
    """Record one clock's change (None: unchanged); an older cycle's event is ignored."""
    before = await _owner_before(conn, ticket_id)
    await conn.execute(
        "INSERT INTO queue_clocks (ticket_id, metric, cycle, state, due_at, breached, changed_at)"
        " VALUES ($1, $2, $3, COALESCE($4, 'running'), $5, COALESCE($6, false), $7)"
        " ON CONFLICT (ticket_id, metric) DO UPDATE SET cycle = $3,"
        " state = COALESCE($4, queue_clocks.state), due_at = COALESCE($5, queue_clocks.due_at),"
        " breached = CASE WHEN queue_clocks.cycle < $3 THEN COALESCE($6, false)"
        " ELSE COALESCE($6, queue_clocks.breached) END, changed_at = $7"
        " WHERE queue_clocks.cycle <= $3",
        ticket_id, metric, cycle, state, due_at, breached, now,
    )  # fmt: skip
    return await refresh_deadline(conn=conn, ticket_id=ticket_id, previous_owner=before)


async def refresh_deadline(
    *, conn: asyncpg.Connection, ticket_id: UUID, previous_owner: str | None
) -> ProjectedTicket | None:
    """Set the ticket's next deadline from its clocks still counting; the row as it now is."""
    record = await conn.fetchrow(
        "UPDATE queue_tickets q SET next_due_at = n.due_at, next_metric = n.metric,"
        " next_breached = COALESCE(n.breached, false)"
        " FROM (SELECT $1::uuid AS ticket_id) t LEFT JOIN LATERAL ("
        "   SELECT c.due_at, c.metric, c.breached FROM queue_clocks c"
        "   WHERE c.ticket_id = t.ticket_id AND c.state IN ('running', 'breached')"
        "   AND c.due_at IS NOT NULL ORDER BY c.due_at LIMIT 1) n ON true"
        f" WHERE q.ticket_id = t.ticket_id RETURNING {RETURNED}",
        ticket_id,
    )
    if record is None:
        return None
    return ProjectedTicket(
        row=queue_ticket(record),
        is_open=record["is_open"],
        owner=_text(record["owner_agent_id"]),
        team=record["team"],
        previous_owner=previous_owner,
    )


async def queue_of_agent(
    *, conn: asyncpg.Connection, agent_id: UUID, limit: int, offset: int
) -> list[QueueTicket]:
    """One page of the agent's open tickets, most urgent first (`queue_tickets_by_owner`)."""
    records = await conn.fetch(
        f"SELECT {ROW} FROM queue_tickets WHERE owner_agent_id = $1 AND is_open"
        f" ORDER BY owner_agent_id, {URGENCY_ORDER} LIMIT $2 OFFSET $3",
        agent_id, limit, offset,
    )  # fmt: skip
    return [queue_ticket(r) for r in records]


async def queue_of_teams(
    *, conn: asyncpg.Connection, teams: list[str], limit: int, offset: int
) -> list[QueueTicket]:
    """One page of the open tickets of `teams` (the caller's own, from identity's claims)."""
    records = await conn.fetch(
        f"SELECT {ROW} FROM queue_tickets WHERE team = ANY($1::text[]) AND is_open"
        f" ORDER BY {URGENCY_ORDER} LIMIT $2 OFFSET $3",
        teams, limit, offset,
    )  # fmt: skip
    return [queue_ticket(r) for r in records]


def queue_ticket(record: asyncpg.Record) -> QueueTicket:
    due = record["next_due_at"]
    return QueueTicket(
        ticket_id=str(record["ticket_id"]),
        subject=record["subject"],
        priority=record["priority"],
        status=record["status"],
        created_at=record["created_at"],
        deadline=None
        if due is None
        else Deadline(due_at=due, metric=record["next_metric"], breached=record["next_breached"]),
    )


async def _owner_before(conn: asyncpg.Connection, ticket_id: UUID) -> str | None:
    owner = await conn.fetchval(
        "SELECT owner_agent_id FROM queue_tickets WHERE ticket_id = $1 FOR UPDATE", ticket_id
    )
    return _text(owner)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
