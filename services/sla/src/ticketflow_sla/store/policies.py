"""SQL for SLA policies; archived ones match no ticket but stay for the clocks naming them."""

from datetime import datetime

import asyncpg

from ticketflow_common.in_use import Usage, count_uses
from ticketflow_sla.domain.policies import Policy, PolicyUpdate

_CONDITIONS = ("priority", "category", "channel", "team", "requester_tier")


def _policy(row: asyncpg.Record) -> Policy:
    fields = {k: v for k, v in dict(row).items() if k not in ("conditions", "archived_at")}
    return Policy.model_validate({**fields, **row["conditions"]})


async def policies_after(
    *, conn: asyncpg.Connection, after: tuple[int, str] | None, limit: int
) -> list[Policy]:
    """Live policies in matching order, after a (position, name) keyset position."""
    rows = await conn.fetch(
        "SELECT * FROM policies WHERE archived_at IS NULL"
        " AND ($1::int IS NULL OR (position, name) > ($1, $2::text))"
        " ORDER BY position, name LIMIT $3",
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [_policy(r) for r in rows]


async def lock_policy(*, conn: asyncpg.Connection, name: str) -> Policy | None:
    """The live policy, locked for the change about to replace it."""
    row = await conn.fetchrow(
        "SELECT * FROM policies WHERE name = $1 AND archived_at IS NULL FOR UPDATE", name
    )
    return _policy(row) if row else None


async def upsert_policy(*, conn: asyncpg.Connection, name: str, update: PolicyUpdate) -> Policy:
    """Create, replace or bring back; a position another live policy holds raises
    UniqueViolation."""
    conditions = {c: getattr(update, c) for c in _CONDITIONS if getattr(update, c) is not None}
    row = await conn.fetchrow(
        "INSERT INTO policies (name, position, conditions, first_response_seconds,"
        " next_response_seconds, resolution_seconds, calendar, warnings, escalation_policy,"
        " clock_rules) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (name) DO UPDATE SET position = $2, conditions = $3,"
        " first_response_seconds = $4, next_response_seconds = $5, resolution_seconds = $6,"
        " calendar = $7, warnings = $8, escalation_policy = $9, clock_rules = $10,"
        " updated_at = now(), archived_at = NULL RETURNING *",
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


async def lock_live(*, conn: asyncpg.Connection, table: str, name: str) -> bool:
    """Lock a live policy, calendar or escalation policy before counting its uses."""
    assert table in ("policies", "calendars", "escalation_policies")
    found = await conn.fetchval(
        f"SELECT name FROM {table} WHERE name = $1 AND archived_at IS NULL FOR UPDATE", name
    )
    return found is not None


async def archive(*, conn: asyncpg.Connection, table: str, name: str, now: datetime) -> None:
    assert table in ("policies", "calendars", "escalation_policies")
    await conn.execute(f"UPDATE {table} SET archived_at = $2 WHERE name = $1", name, now)


async def is_live(*, conn: asyncpg.Connection, table: str, name: str) -> bool:
    """Share-locked, so that what a new policy names cannot be archived under it."""
    assert table in ("calendars", "escalation_policies")
    found = await conn.fetchval(
        f"SELECT name FROM {table} WHERE name = $1 AND archived_at IS NULL FOR SHARE", name
    )
    return found is not None


async def policies_naming(*, conn: asyncpg.Connection, column: str, name: str) -> Usage:
    """Live policies whose `calendar` or `escalation_policy` is `name`."""
    assert column in ("calendar", "escalation_policy")
    return await count_uses(
        conn,
        "policy",
        f"SELECT name FROM policies WHERE {column} = $1 AND archived_at IS NULL ORDER BY position",
        name,
    )


async def clocks_using(*, conn: asyncpg.Connection, column: str, name: str) -> Usage:
    """Tickets with a running or paused clock under this `policy` or `calendar`."""
    assert column in ("policy", "calendar")
    return await count_uses(
        conn,
        "timed_ticket",
        f"SELECT DISTINCT ticket_id FROM clocks WHERE {column} = $1"
        " AND state IN ('running', 'paused') ORDER BY ticket_id",
        name,
    )


async def all_policies(*, conn: asyncpg.Connection) -> list[tuple[Policy, bool]]:
    """Every policy and whether it is live (archived ones too: running clocks keep theirs), in
    matching order: what the in-memory configuration holds."""
    rows = await conn.fetch("SELECT * FROM policies ORDER BY position, name")
    return [(_policy(r), r["archived_at"] is None) for r in rows]
