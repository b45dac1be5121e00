"""SQL for notify's ticket projection: subject, team and the people around each ticket."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_notify.domain.targets import TicketView


async def apply_ticket_facts(
    *, conn: asyncpg.Connection, ticket_id: UUID, data: Mapping[str, Any]
) -> None:
    """Upsert from a `tickets.events.v1` event; an older version never overwrites a newer one."""
    watchers = data.get("watchers")
    await conn.execute(
        "INSERT INTO tickets AS t (ticket_id, version, subject, status, priority, team, language,"
        " requester_email, watchers, assignee_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::text[], '{}'), $10)"
        " ON CONFLICT (ticket_id) DO UPDATE SET version = EXCLUDED.version,"
        " subject = coalesce(EXCLUDED.subject, t.subject), status = EXCLUDED.status,"
        " priority = EXCLUDED.priority, team = coalesce(EXCLUDED.team, t.team),"
        " language = EXCLUDED.language,"
        " requester_email = coalesce(EXCLUDED.requester_email, t.requester_email),"
        " watchers = CASE WHEN $9::text[] IS NULL THEN t.watchers ELSE EXCLUDED.watchers END,"
        " assignee_id = coalesce(EXCLUDED.assignee_id, t.assignee_id), updated_at = now()"
        " WHERE t.version <= EXCLUDED.version",
        ticket_id,
        int(data.get("version") or 1),
        data.get("subject"),
        data.get("status"),
        data.get("priority"),
        data.get("team"),
        data.get("language"),
        data.get("requester_email"),
        watchers if isinstance(watchers, list) else None,
        data.get("assignee_id"),
    )


async def apply_assignment(
    *, conn: asyncpg.Connection, ticket_id: UUID, data: Mapping[str, Any]
) -> None:
    """From `ticket.assigned`: the owner and the team lead, with their addresses."""
    await conn.execute(
        "INSERT INTO tickets AS t (ticket_id, team, assignee_id, assignee_email, team_lead_email)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO UPDATE SET"
        " team = coalesce(EXCLUDED.team, t.team), assignee_id = EXCLUDED.assignee_id,"
        " assignee_email = EXCLUDED.assignee_email,"
        " team_lead_email = coalesce(EXCLUDED.team_lead_email, t.team_lead_email),"
        " updated_at = now()",
        ticket_id,
        data.get("team"),
        data.get("agent_id"),
        data.get("agent_email"),
        data.get("team_lead_email"),
    )


async def get_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketView | None:
    row = await conn.fetchrow(
        "SELECT ticket_id, subject, status, priority, team, language, requester_email, watchers,"
        " assignee_email, team_lead_email FROM tickets WHERE ticket_id = $1",
        ticket_id,
    )
    if row is None:
        return None
    fields = dict(row)
    fields["watchers"] = tuple(fields["watchers"])
    return TicketView(**fields)
