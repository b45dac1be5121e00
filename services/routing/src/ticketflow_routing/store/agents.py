"""SQL for agents: the people model, candidates by index, and capacity taken atomically."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.in_use import Usage, count_uses
from ticketflow_routing.domain.agents import (
    Agent,
    AgentProfile,
    AgentStatus,
    RoutableAgent,
    SkillLevel,
)
from ticketflow_routing.domain.shifts import Shift, ShiftState
from ticketflow_routing.domain.teams import TeamLead

AGENT_COLUMNS = (
    "id, name, team, teams, email, skill_levels, languages, capacity, load, status, time_zone,"
    " shifts, on_shift, next_shift_change_at, last_assigned_at, created_at, archived_at, version"
)
ROUTABLE_COLUMNS = (
    "id AS agent_id, name, team, email, teams, skill_levels, languages, status, load, capacity,"
    " time_zone, shifts, last_assigned_at"
)
"""The columns of a RoutableAgent, by its field names."""
_ORDER_BY = {
    "round_robin": "last_assigned_at NULLS FIRST, agent_id",
    "least_loaded": "load::float8 / capacity, last_assigned_at NULLS FIRST, agent_id",
    "skills_load": "load::float8 / capacity, last_assigned_at NULLS FIRST, agent_id",
}
"""Over ROUTABLE_COLUMNS: the agents' table ordered, and the candidates' rows again."""


def _shifts(raw: Any) -> list[Shift] | None:
    return None if raw is None else [Shift.model_validate(s) for s in raw]


def agent_from_row(row: asyncpg.Record) -> Agent:
    fields = dict(row)
    levels: dict[str, int] = fields.pop("skill_levels")
    fields["skills"] = [SkillLevel(name=k, proficiency=v) for k, v in sorted(levels.items())]
    fields["shifts"] = _shifts(fields["shifts"])
    return Agent.model_validate(fields)


def routable_from_row(row: asyncpg.Record | dict[str, Any]) -> RoutableAgent:
    fields = dict(row) | {
        "teams": tuple(row["teams"]),
        "languages": tuple(row["languages"]),
        "shifts": _shifts(row["shifts"]),
    }
    return RoutableAgent(**fields)


def _shift_json(shifts: list[Shift] | None) -> list[dict[str, Any]] | None:
    return None if shifts is None else [s.model_dump(mode="json") for s in shifts]


PROFILE_COLUMNS = (
    "name, teams, email, skills, skill_levels, languages, capacity, time_zone, shifts,"
    " on_shift, next_shift_change_at, routing_keys"
)


def _profile_values(profile: AgentProfile, shift: ShiftState) -> tuple[object, ...]:
    """The values of PROFILE_COLUMNS, in order."""
    return (
        profile.name,
        profile.teams,
        profile.email,
        sorted(profile.skill_levels),
        profile.skill_levels,
        profile.languages,
        profile.capacity,
        profile.time_zone,
        _shift_json(profile.shifts),
        shift.on_shift,
        shift.next_change_at,
        profile.routing_keys,
    )


async def insert_agent(
    *,
    conn: asyncpg.Connection,
    agent_id: UUID,
    team: str,
    status: AgentStatus,
    profile: AgentProfile,
    shift: ShiftState,
) -> Agent:
    row = await conn.fetchrow(
        f"INSERT INTO agents (id, team, status, {PROFILE_COLUMNS})"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        f" RETURNING {AGENT_COLUMNS}",
        agent_id,
        team,
        status,
        *_profile_values(profile, shift),
    )
    return agent_from_row(row)


async def update_agent(
    *, conn: asyncpg.Connection, agent_id: UUID, profile: AgentProfile, shift: ShiftState
) -> Agent:
    row = await conn.fetchrow(
        f"UPDATE agents SET ({PROFILE_COLUMNS}) = ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
        f" $12, $13), version = version + 1 WHERE id = $1 RETURNING {AGENT_COLUMNS}",
        agent_id,
        *_profile_values(profile, shift),
    )
    return agent_from_row(row)


async def get_agent(
    *, conn: asyncpg.Connection, agent_id: UUID, for_update: bool = False
) -> Agent | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT {AGENT_COLUMNS} FROM agents WHERE id = $1{lock}", agent_id)
    return agent_from_row(row) if row else None


async def get_routable(*, conn: asyncpg.Connection, agent_id: UUID) -> RoutableAgent | None:
    row = await conn.fetchrow(f"SELECT {ROUTABLE_COLUMNS} FROM agents WHERE id = $1", agent_id)
    return routable_from_row(row) if row else None


async def list_agents(
    *,
    conn: asyncpg.Connection,
    team: str | None,
    limit: int,
    after: tuple[datetime, UUID] | None = None,
) -> list[Agent]:
    """Live agents (of `team` when given), oldest first, after a (created_at, id) position."""
    rows = await conn.fetch(
        f"SELECT {AGENT_COLUMNS} FROM agents WHERE archived_at IS NULL"
        " AND ($1::text[] IS NULL OR routing_keys @> $1::text[])"
        " AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))"
        " ORDER BY created_at, id LIMIT $4",
        None if team is None else [f"team:{team}"],
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [agent_from_row(r) for r in rows]


async def set_status(
    *, conn: asyncpg.Connection, agent_id: UUID, status: AgentStatus
) -> tuple[Agent, AgentStatus] | None:
    """Change the status (a new version if it differs); returns the agent and the status it
    had before."""
    row = await conn.fetchrow(
        "UPDATE agents a SET status = $2,"
        " version = a.version + CASE WHEN old.status = $2 THEN 0 ELSE 1 END"
        " FROM (SELECT status FROM agents WHERE id = $1 AND archived_at IS NULL FOR UPDATE)"
        f" old WHERE a.id = $1 RETURNING {', '.join('a.' + c for c in AGENT_COLUMNS.split(', '))},"
        " old.status AS previous_status",
        agent_id,
        status,
    )
    if row is None:
        return None
    fields = dict(row)
    previous = fields.pop("previous_status")
    return agent_from_row(fields), previous


@dataclass(frozen=True)
class Candidates:
    """One lookup's answer: the best-placed available agents in order, what scoring and the
    decision's event need of them, and the team's other agents that were not candidates."""

    agents: list[RoutableAgent]
    near_misses: list[RoutableAgent]
    mean_handling_seconds: dict[UUID, float]
    """Each candidate's learned mean for the ticket's category, when known."""
    home_leads: dict[UUID, TeamLead]
    """Each candidate's home team lead, when the team exists."""


async def find_candidates(
    *,
    conn: asyncpg.Connection,
    routing_keys: list[str],
    language: str,
    strategy: str,
    limit: int,
    near_any_of: list[str],
    near_limit: int,
    category: str | None,
) -> Candidates:
    """Online agents on shift with spare capacity holding every key, from the partial GIN
    index `agents_routable` (the cost follows the matching available agents, not all agents),
    with their handling times, home team leads and the near misses, in one statement."""
    order = _ORDER_BY[strategy]
    rows = await conn.fetch(
        f"WITH found AS (SELECT {ROUTABLE_COLUMNS} FROM agents"
        " WHERE routing_keys @> $1::text[] AND status = 'online' AND on_shift"
        f" AND load < capacity AND $3 = ANY(languages) ORDER BY {order} LIMIT $2),"
        f" placed AS (SELECT found.*, row_number() OVER (ORDER BY {order}) AS place FROM found),"
        f" near AS (SELECT {ROUTABLE_COLUMNS} FROM agents WHERE routing_keys && $4::text[]"
        " AND NOT (id = ANY(ARRAY(SELECT agent_id FROM found))) LIMIT $5)"
        " SELECT p.*, h.total_seconds / h.resolved AS mean_handling, tm.id IS NOT NULL AS homed,"
        " tm.lead_agent_id AS lead_id, la.email AS lead_email FROM placed p"
        " LEFT JOIN handling_stats h ON h.agent_id = p.agent_id AND h.category = $6::text"
        " LEFT JOIN teams tm ON tm.id = p.team LEFT JOIN agents la ON la.id = tm.lead_agent_id"
        " UNION ALL SELECT near.*, NULL::bigint, NULL::float8, false, NULL::uuid, NULL::text"
        " FROM near ORDER BY place NULLS LAST",
        routing_keys,
        limit,
        language,
        near_any_of,
        near_limit if near_any_of else 0,
        category,
    )
    found = Candidates(agents=[], near_misses=[], mean_handling_seconds={}, home_leads={})
    for row in rows:
        fields = dict(row)
        place, mean, homed = fields.pop("place"), fields.pop("mean_handling"), fields.pop("homed")
        lead = TeamLead(agent_id=fields.pop("lead_id"), email=fields.pop("lead_email"))
        agent = routable_from_row(fields)
        if place is None:
            found.near_misses.append(agent)
            continue
        found.agents.append(agent)
        if mean is not None:
            found.mean_handling_seconds[agent.agent_id] = float(mean)
        if homed:
            found.home_leads[agent.agent_id] = lead
    return found


async def give_back_capacity(*, conn: asyncpg.Connection, agent_id: UUID) -> None:
    await conn.execute("UPDATE agents SET load = load - 1 WHERE id = $1", agent_id)


async def claim_shift_changes(
    *, conn: asyncpg.Connection, now: datetime, limit: int
) -> list[RoutableAgent]:
    """Agents whose shift starts or ends by `now`; locked, other replicas skip them."""
    rows = await conn.fetch(
        f"SELECT {ROUTABLE_COLUMNS} FROM agents WHERE next_shift_change_at <= $1"
        " ORDER BY next_shift_change_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        now,
        limit,
    )
    return [routable_from_row(r) for r in rows]


async def set_shift_state(*, conn: asyncpg.Connection, agent_id: UUID, shift: ShiftState) -> None:
    await conn.execute(
        "UPDATE agents SET on_shift = $2, next_shift_change_at = $3 WHERE id = $1",
        agent_id,
        shift.on_shift,
        shift.next_change_at,
    )


async def next_shift_change_due(*, conn: asyncpg.Connection) -> datetime | None:
    due: datetime | None = await conn.fetchval("SELECT min(next_shift_change_at) FROM agents")
    return due


async def agent_usages(*, conn: asyncpg.Connection, agent_id: UUID) -> list[Usage]:
    """Tickets the agent owns and live teams the agent leads."""
    return [
        await count_uses(
            conn,
            "open_ticket",
            "SELECT ticket_id FROM assignments WHERE agent_id = $1 ORDER BY assigned_at",
            agent_id,
        ),
        await count_uses(
            conn,
            "led_team",
            "SELECT id FROM teams WHERE lead_agent_id = $1 AND archived_at IS NULL ORDER BY id",
            agent_id,
        ),
    ]


async def archive_agent(*, conn: asyncpg.Connection, agent_id: UUID, now: datetime) -> Agent:
    """Offline for good and out of every routing index; the row stays for history."""
    row = await conn.fetchrow(
        "UPDATE agents SET archived_at = $2, status = 'offline', routing_keys = '{}',"
        " version = version + 1,"
        f" next_shift_change_at = NULL WHERE id = $1 RETURNING {AGENT_COLUMNS}",
        agent_id,
        now,
    )
    return agent_from_row(row)
