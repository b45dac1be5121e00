"""SQL for intake's tickets."""

from datetime import datetime
from uuid import UUID

import asyncpg

from intake.domain.tickets import NewTicket, Owner, Requester, Ticket


async def insert_ticket(
    *, conn: asyncpg.Connection, ticket_id: UUID, new: NewTicket, now: datetime
) -> Ticket:
    row = await conn.fetchrow(
        "INSERT INTO tickets (id, subject, description, requester, requester_id, priority,"
        " required_skills, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *",
        ticket_id,
        new.subject,
        new.description,
        new.requester.model_dump(mode="json"),
        new.requester.id,
        new.priority,
        new.required_skills,
        now,
    )
    return _ticket(row)


async def get_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> Ticket | None:
    row = await conn.fetchrow("SELECT * FROM tickets WHERE id = $1", ticket_id)
    return _ticket(row) if row else None


async def set_owner(*, conn: asyncpg.Connection, ticket_id: UUID, owner: Owner) -> bool:
    """Record the owner routing chose; an older assignment never overwrites a newer one."""
    status = await conn.execute(
        "UPDATE tickets SET owner_agent_id = $2, owner_agent_name = $3, owner_team = $4,"
        " assigned_at = $5, status = CASE WHEN status = 'new' THEN 'open' ELSE status END,"
        " updated_at = now()"
        " WHERE id = $1 AND (assigned_at IS NULL OR assigned_at <= $5)",
        ticket_id,
        owner.agent_id,
        owner.agent_name,
        owner.team,
        owner.assigned_at,
    )
    return bool(status != "UPDATE 0")


def _ticket(row: asyncpg.Record) -> Ticket:
    owner = None
    if row["owner_agent_id"] is not None:
        owner = Owner(
            agent_id=row["owner_agent_id"],
            agent_name=row["owner_agent_name"],
            team=row["owner_team"],
            assigned_at=row["assigned_at"],
        )
    return Ticket(
        id=row["id"],
        subject=row["subject"],
        description=row["description"],
        requester=Requester.model_validate(row["requester"]),
        priority=row["priority"],
        required_skills=list(row["required_skills"]),
        status=row["status"],
        owner=owner,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
