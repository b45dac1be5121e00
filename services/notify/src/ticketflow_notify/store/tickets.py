"""SQL for notify's ticket projection: subject, team and the people around each ticket."""

from uuid import UUID

import asyncpg

from ticketflow_common.events import TicketAssigned, TicketCreated, TicketFacts, TicketUnassigned
from ticketflow_notify.domain.tickets import TicketProjection


async def apply_ticket_facts(
    *, conn: asyncpg.Connection, facts: TicketFacts
) -> TicketProjection | None:
    """Upsert from a `tickets.events.v1` event; an older version never overwrites a newer one.
    Subject, requester and watchers come with `ticket.created` only: later events keep them.
    The ticket as it now is; None when an older event changed nothing."""
    created = facts if isinstance(facts, TicketCreated) else None
    row = await conn.fetchrow(
        "INSERT INTO tickets AS t (ticket_id, version, subject, status, priority, team, language,"
        " requester_email, watchers, assignee_id, category, tags, requester_id, requester_tier)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::text[], '{}'), $10, $11, $12,"
        " $13, $14)"
        " ON CONFLICT (ticket_id) DO UPDATE SET version = EXCLUDED.version,"
        " subject = coalesce(EXCLUDED.subject, t.subject), status = EXCLUDED.status,"
        " priority = EXCLUDED.priority, team = coalesce(EXCLUDED.team, t.team),"
        " language = EXCLUDED.language,"
        " requester_email = coalesce(EXCLUDED.requester_email, t.requester_email),"
        " watchers = CASE WHEN $9::text[] IS NULL THEN t.watchers ELSE EXCLUDED.watchers END,"
        " assignee_id = coalesce(EXCLUDED.assignee_id, t.assignee_id),"
        " category = EXCLUDED.category, tags = coalesce(EXCLUDED.tags, t.tags),"
        " requester_id = EXCLUDED.requester_id, requester_tier = EXCLUDED.requester_tier,"
        " updated_at = now()"
        f" WHERE t.version <= EXCLUDED.version RETURNING {_COLUMNS}",
        facts.ticket_id,
        facts.version or 1,
        created.subject if created else None,
        facts.status,
        facts.priority,
        facts.team,
        facts.language,
        created.requester_email if created else None,
        created.watchers if created else None,
        facts.assignee_id,
        facts.category,
        facts.tags,
        facts.requester_id,
        facts.requester_tier,
    )
    return None if row is None else _projection(row)


async def apply_assignment(
    *, conn: asyncpg.Connection, assigned: TicketAssigned
) -> TicketProjection:
    """From `ticket.assigned`: the owner and the team lead, with their addresses; the ticket
    as it now is."""
    row = await conn.fetchrow(
        "INSERT INTO tickets AS t (ticket_id, team, assignee_id, assignee_email, team_lead_email)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO UPDATE SET"
        " team = coalesce(EXCLUDED.team, t.team), assignee_id = EXCLUDED.assignee_id,"
        " assignee_email = EXCLUDED.assignee_email,"
        " team_lead_email = coalesce(EXCLUDED.team_lead_email, t.team_lead_email),"
        f" updated_at = now() RETURNING {_COLUMNS}",
        assigned.ticket_id,
        assigned.team,
        assigned.agent_id,
        assigned.agent_email,
        assigned.team_lead_email,
    )
    return _projection(row)


async def apply_unassignment(
    *, conn: asyncpg.Connection, unassigned: TicketUnassigned
) -> TicketProjection | None:
    """From `ticket.unassigned`: the owner who let go is the ticket's owner no more; the
    ticket as it now is, None when that owner no longer held it (nothing changed)."""
    row = await conn.fetchrow(
        "UPDATE tickets SET assignee_id = NULL, assignee_email = NULL, updated_at = now()"
        f" WHERE ticket_id = $1 AND assignee_id = $2 RETURNING {_COLUMNS}",
        unassigned.ticket_id,
        unassigned.agent_id,
    )
    return None if row is None else _projection(row)


async def owner_email(*, conn: asyncpg.Connection, ticket_id: UUID) -> str | None:
    """The owner's address: as `ticket.assigned` named it, else as `agent.changed` did."""
    email: str | None = await conn.fetchval(
        "SELECT coalesce(t.assignee_email, a.email) FROM tickets t"
        " LEFT JOIN agents a ON a.agent_id = t.assignee_id AND NOT a.removed"
        " WHERE t.ticket_id = $1 AND t.assignee_id IS NOT NULL",
        ticket_id,
    )
    return email


_COLUMNS = (
    "ticket_id, subject, status, priority, team, language, requester_email, watchers,"
    " assignee_email, team_lead_email, category, coalesce(tags, '{}') AS tags, requester_id,"
    " requester_tier"
)


def _projection(row: asyncpg.Record) -> TicketProjection:
    fields = dict(row)
    fields["watchers"] = tuple(fields["watchers"])
    fields["tags"] = tuple(fields["tags"])
    return TicketProjection(**fields)


async def get_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketProjection | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM tickets WHERE ticket_id = $1", ticket_id)
    return None if row is None else _projection(row)


async def tickets_of(*, conn: asyncpg.Connection, ticket_ids: list[UUID]) -> list[TicketProjection]:
    """The projected tickets among `ticket_ids`, in their order; unknown ones are left out."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM tickets WHERE ticket_id = ANY($1::uuid[])"
        " ORDER BY array_position($1::uuid[], ticket_id)",
        ticket_ids,
    )
    return [_projection(r) for r in rows]
