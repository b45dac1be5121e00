"""SQL for SLA policies."""

import asyncpg

from sla.domain.policies import Policy, PolicyUpdate

_CONDITIONS = ("priority", "category", "channel", "team", "requester_tier")


def _policy(row: asyncpg.Record) -> Policy:
    fields = {k: v for k, v in dict(row).items() if k != "conditions"}
    return Policy.model_validate({**fields, **row["conditions"]})


async def list_policies(*, conn: asyncpg.Connection) -> list[Policy]:
    rows = await conn.fetch("SELECT * FROM policies ORDER BY position")
    return [_policy(r) for r in rows]


async def get_policy(*, conn: asyncpg.Connection, name: str) -> Policy | None:
    row = await conn.fetchrow("SELECT * FROM policies WHERE name = $1", name)
    return _policy(row) if row else None


async def upsert_policy(*, conn: asyncpg.Connection, name: str, update: PolicyUpdate) -> Policy:
    """Create or replace; a position already taken by another policy raises UniqueViolation."""
    conditions = {c: getattr(update, c) for c in _CONDITIONS if getattr(update, c) is not None}
    row = await conn.fetchrow(
        "INSERT INTO policies (name, position, conditions, first_response_seconds,"
        " next_response_seconds, resolution_seconds, calendar, warnings, escalation_policy,"
        " clock_rules) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (name) DO UPDATE SET position = $2, conditions = $3,"
        " first_response_seconds = $4, next_response_seconds = $5, resolution_seconds = $6,"
        " calendar = $7, warnings = $8, escalation_policy = $9, clock_rules = $10,"
        " updated_at = now() RETURNING *",
        name,
        update.position,
        conditions,
        update.first_response_seconds,
        update.next_response_seconds,
        update.resolution_seconds,
        update.calendar,
        [w.model_dump(exclude_none=True) for w in update.warnings],
        update.escalation_policy,
        update.clock_rules.model_dump(mode="json"),
    )
    return _policy(row)
