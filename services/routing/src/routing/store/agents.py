"""SQL for agents, their capacity and assignments."""

from datetime import datetime
from uuid import UUID

import asyncpg

from routing.domain.agents import Agent, AgentStatus, NewAgent
from routing.domain.scoring import Candidate


async def insert_agent(*, conn: asyncpg.Connection, agent_id: UUID, new: NewAgent) -> Agent:
    row = await conn.fetchrow(
        "INSERT INTO agents (id, name, team, skills, capacity, status)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        agent_id,
        new.name,
        new.team,
        new.skills,
        new.capacity,
        new.status,
    )
    return Agent.model_validate(dict(row))


async def get_agent(*, conn: asyncpg.Connection, agent_id: UUID) -> Agent | None:
    row = await conn.fetchrow("SELECT * FROM agents WHERE id = $1", agent_id)
    return Agent.model_validate(dict(row)) if row else None


async def list_agents(*, conn: asyncpg.Connection, limit: int) -> list[Agent]:
    rows = await conn.fetch("SELECT * FROM agents ORDER BY created_at, id LIMIT $1", limit)
    return [Agent.model_validate(dict(r)) for r in rows]


async def set_status(
    *, conn: asyncpg.Connection, agent_id: UUID, status: AgentStatus
) -> tuple[Agent, str] | None:
    """Change the status; returns the agent and the status it had before."""
    row = await conn.fetchrow(
        "UPDATE agents a SET status = $2 FROM (SELECT status FROM agents WHERE id = $1 FOR UPDATE)"
        " old WHERE a.id = $1 RETURNING a.*, old.status AS previous_status",
        agent_id,
        status,
    )
    if row is None:
        return None
    fields = dict(row)
    previous = fields.pop("previous_status")
    return Agent.model_validate(fields), previous


async def find_candidates(
    *, conn: asyncpg.Connection, required_skills: list[str], limit: int
) -> list[Candidate]:
    """Online agents holding every required skill with spare capacity, found by index."""
    rows = await conn.fetch(
        "SELECT id, name, team, load, capacity, last_assigned_at FROM agents"
        " WHERE status = 'online' AND skills @> $1::text[] AND load < capacity"
        " ORDER BY load::float / capacity, last_assigned_at NULLS FIRST LIMIT $2",
        required_skills,
        limit,
    )
    return [
        Candidate(
            agent_id=r["id"],
            name=r["name"],
            team=r["team"],
            load=r["load"],
            capacity=r["capacity"],
            last_assigned_at=r["last_assigned_at"],
        )
        for r in rows
    ]


async def take_capacity(*, conn: asyncpg.Connection, agent_id: UUID, now: datetime) -> bool:
    """Atomic conditional increment: two replicas can never push an agent over capacity."""
    status = await conn.execute(
        "UPDATE agents SET load = load + 1, last_assigned_at = $2"
        " WHERE id = $1 AND status = 'online' AND load < capacity",
        agent_id,
        now,
    )
    return bool(status == "UPDATE 1")


async def record_assignment(
    *, conn: asyncpg.Connection, ticket_id: UUID, agent_id: UUID, now: datetime
) -> bool:
    """False if the ticket already has an owner."""
    status = await conn.execute(
        "INSERT INTO assignments (ticket_id, agent_id, assigned_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (ticket_id) DO NOTHING",
        ticket_id,
        agent_id,
        now,
    )
    return bool(status == "INSERT 0 1")


async def is_assigned(*, conn: asyncpg.Connection, ticket_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM assignments WHERE ticket_id = $1)", ticket_id
    )
    return found
