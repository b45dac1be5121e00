"""SQL for escalation policies."""

import asyncpg

from ticketflow_sla.domain.escalations import EscalationPolicy, EscalationPolicyUpdate


def _escalation(row: asyncpg.Record) -> EscalationPolicy:
    return EscalationPolicy.model_validate(
        {k: v for k, v in dict(row).items() if k != "archived_at"}
    )


async def get_escalation_policy(*, conn: asyncpg.Connection, name: str) -> EscalationPolicy | None:
    """Archived too: clocks of a policy naming it keep escalating by it."""
    row = await conn.fetchrow("SELECT * FROM escalation_policies WHERE name = $1", name)
    return _escalation(row) if row else None


async def lock_escalation_policy(*, conn: asyncpg.Connection, name: str) -> EscalationPolicy | None:
    """The live escalation policy, locked for the change about to replace it."""
    row = await conn.fetchrow(
        "SELECT * FROM escalation_policies WHERE name = $1 AND archived_at IS NULL FOR UPDATE",
        name,
    )
    return _escalation(row) if row else None


async def escalation_policies_after(
    *, conn: asyncpg.Connection, after: str | None, limit: int
) -> list[EscalationPolicy]:
    """Live escalation policies by name, after a name."""
    rows = await conn.fetch(
        "SELECT * FROM escalation_policies WHERE archived_at IS NULL"
        " AND ($1::text IS NULL OR name > $1) ORDER BY name LIMIT $2",
        after,
        limit,
    )
    return [_escalation(r) for r in rows]


async def upsert_escalation_policy(
    *, conn: asyncpg.Connection, name: str, update: EscalationPolicyUpdate
) -> EscalationPolicy:
    row = await conn.fetchrow(
        "INSERT INTO escalation_policies (name, levels, team) VALUES ($1, $2, $3)"
        " ON CONFLICT (name) DO UPDATE SET levels = $2, team = $3, updated_at = now(),"
        " archived_at = NULL RETURNING *",
        name,
        update.model_dump(mode="json", exclude_none=True)["levels"],
        update.team,
    )
    return _escalation(row)


async def all_escalation_policies(*, conn: asyncpg.Connection) -> list[EscalationPolicy]:
    """Every escalation policy, archived too: what the in-memory configuration holds."""
    rows = await conn.fetch("SELECT * FROM escalation_policies ORDER BY name")
    return [_escalation(r) for r in rows]
