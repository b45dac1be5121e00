"""SQL for SLA's ticket projection: facts applied by version, assignments by time."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events import TicketAssigned, TicketFacts
from ticketflow_sla.domain.tickets import TicketProjection
from ticketflow_sla.store.configuration_version import VERSION

_COLUMNS = (
    "ticket_id, version, status, priority, category, channel, team, requester_tier,"
    " assignee_id, assignee_email, assigned_team, team_lead_id, team_lead_email, assigned_at"
)


def _ticket(row: asyncpg.Record) -> TicketProjection:
    return TicketProjection(**{k: row[k] for k in _COLUMNS.replace(" ", "").split(",")})


async def get_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketProjection | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM tickets WHERE ticket_id = $1", ticket_id)
    return _ticket(row) if row else None


@dataclass(frozen=True)
class AppliedFacts:
    """The ticket as now known, and the configuration version read in the same statement;
    `first_seen` when this statement made its row (no event of it came before: no clocks)."""

    ticket: TicketProjection
    configuration_version: UUID
    first_seen: bool = False


async def apply_ticket_facts(
    *, conn: asyncpg.Connection, facts: TicketFacts, now: datetime
) -> AppliedFacts | None:
    """Take the ticket's facts unless a newer version is already known; None when stale. An
    assignee intake reports replaces routing's only when it names someone else."""
    row = await conn.fetchrow(
        "INSERT INTO tickets (ticket_id, version, status, priority, category, channel, team,"
        " requester_tier, assignee_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (ticket_id) DO UPDATE SET version = $2, status = $3, priority = $4,"
        " category = $5, channel = $6, team = $7, requester_tier = $8,"
        " assignee_id = coalesce($9, tickets.assignee_id),"
        " assignee_email = CASE WHEN $9 IS NULL OR $9 = tickets.assignee_id"
        "   THEN tickets.assignee_email END,"
        " updated_at = $10 WHERE tickets.version <= $2"
        f" RETURNING {_COLUMNS}, {VERSION} AS configuration_version,"
        " tickets.xmax = 0 AS first_seen",  # an inserted row has no deleting transaction
        facts.ticket_id,
        facts.version,
        facts.status,
        facts.priority,
        facts.category,
        facts.channel,
        facts.team,
        facts.requester_tier,
        facts.assignee_id,
        now,
    )
    if row is None:
        return None
    return AppliedFacts(_ticket(row), row["configuration_version"], row["first_seen"])


async def apply_assignment(
    *, conn: asyncpg.Connection, event: TicketAssigned, now: datetime
) -> TicketProjection | None:
    """Record the owner unless a later assignment is already known; None when stale."""
    row = await conn.fetchrow(
        "INSERT INTO tickets (ticket_id, assignee_id, assignee_email, assigned_team,"
        " team_lead_id, team_lead_email, assigned_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (ticket_id) DO UPDATE SET assignee_id = $2, assignee_email = $3,"
        " assigned_team = $4, team_lead_id = $5, team_lead_email = $6, assigned_at = $7,"
        " updated_at = $8 WHERE tickets.assigned_at IS NULL OR tickets.assigned_at <= $7"
        f" RETURNING {_COLUMNS}",
        event.ticket_id,
        event.agent_id,
        event.agent_email,
        event.team,
        event.team_lead_id,
        event.team_lead_email,
        event.assigned_at,
        now,
    )
    return _ticket(row) if row else None


async def tickets_by_id(
    *, conn: asyncpg.Connection, ticket_ids: list[UUID]
) -> dict[UUID, TicketProjection]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM tickets WHERE ticket_id = ANY($1::uuid[])", ticket_ids
    )
    return {r["ticket_id"]: _ticket(r) for r in rows}
