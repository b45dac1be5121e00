"""SQL for notify's ticket projection: subject, team and the people around each ticket."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.envelope import EventData
from ticketflow_common.events import TicketAssigned, TicketCreated, TicketFacts, TicketUnassigned
from ticketflow_notify.domain.tickets import TicketProjection

_FACTS_UPSERT = (
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
    " WHERE t.version <= EXCLUDED.version RETURNING "
)
_ASSIGNMENT_UPSERT = (
    "INSERT INTO tickets AS t (ticket_id, team, assignee_id, assignee_email, team_lead_email)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO UPDATE SET"
    " team = coalesce(EXCLUDED.team, t.team), assignee_id = EXCLUDED.assignee_id,"
    " assignee_email = EXCLUDED.assignee_email,"
    " team_lead_email = coalesce(EXCLUDED.team_lead_email, t.team_lead_email),"
    " updated_at = now() RETURNING "
)
_UNASSIGNMENT_UPDATE = (
    "UPDATE tickets SET assignee_id = NULL, assignee_email = NULL, updated_at = now()"
    " WHERE ticket_id = $1 AND assignee_id = $2 RETURNING "
)


@dataclass(frozen=True)
class ProjectionChange:
    """The statement an event changes the projection by (numbered from $1, returning the
    ticket's columns), so another statement can carry it as a CTE in the same round trip."""

    sql: str
    args: tuple[object, ...]


def projection_change(event: EventData) -> ProjectionChange | None:
    """How `event` changes notify's ticket view; None for events that do not.
    Subject, requester and watchers come with `ticket.created` only: later events keep them;
    an older version of a ticket's facts never overwrites a newer one."""
    if isinstance(event, TicketFacts):
        created = event if isinstance(event, TicketCreated) else None
        args: tuple[object, ...] = (
            event.ticket_id,
            event.version or 1,
            created.subject if created else None,
            event.status,
            event.priority,
            event.team,
            event.language,
            created.requester_email if created else None,
            created.watchers if created else None,
            event.assignee_id,
            event.category,
            event.tags,
            event.requester_id,
            event.requester_tier,
        )
        return ProjectionChange(_FACTS_UPSERT + _COLUMNS, args)
    if isinstance(event, TicketAssigned):
        args = (
            event.ticket_id,
            event.team,
            event.agent_id,
            event.agent_email,
            event.team_lead_email,
        )
        return ProjectionChange(_ASSIGNMENT_UPSERT + _COLUMNS, args)
    if isinstance(event, TicketUnassigned):
        return ProjectionChange(_UNASSIGNMENT_UPDATE + _COLUMNS, (event.ticket_id, event.agent_id))
    return None


async def apply_projection_change(
    *, conn: asyncpg.Connection, change: ProjectionChange
) -> TicketProjection | None:
    """The ticket as the change left it; None when it changed nothing (an older event, an
    unassignment of someone who no longer owned the ticket)."""
    row = await conn.fetchrow(change.sql, *change.args)
    return None if row is None else projection_of(row)


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
_FIELDS = tuple(f.name for f in fields(TicketProjection))


def projection_of(row: Mapping[str, Any]) -> TicketProjection:
    """The projection from a row of its columns (`_COLUMNS`, extra ones ignored)."""
    found = {name: row[name] for name in _FIELDS}
    found["watchers"] = tuple(found["watchers"])
    found["tags"] = tuple(found["tags"])
    return TicketProjection(**found)


async def get_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketProjection | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM tickets WHERE ticket_id = $1", ticket_id)
    return None if row is None else projection_of(row)


async def tickets_of(*, conn: asyncpg.Connection, ticket_ids: list[UUID]) -> list[TicketProjection]:
    """The projected tickets among `ticket_ids`, in their order; unknown ones are left out."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM tickets WHERE ticket_id = ANY($1::uuid[])"
        " ORDER BY array_position($1::uuid[], ticket_id)",
        ticket_ids,
    )
    return [projection_of(r) for r in rows]
