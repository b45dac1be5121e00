"""SQL for rules as people manage them: one row each (the definition as validated JSON), soft
deleted so firings keep naming them; names unique among the live ones."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import asyncpg

from ticketflow_automation.domain.rules import RuleDefinition

COLUMNS = (
    "rule_id, name, kind, enabled, position, definition, version,"
    " created_by, created_at, updated_by, updated_at"
)


@dataclass(frozen=True)
class RuleRow:
    """A live rule as stored: its definition, version (the ETag) and who changed it when."""

    rule_id: UUID
    version: int
    definition: RuleDefinition
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


def stored_definition(definition: RuleDefinition) -> dict[str, Any]:
    """The JSON kept in `rules.definition` (and exported): aliases (`not`), no nulls."""
    dumped: dict[str, Any] = definition.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


def _row(record: asyncpg.Record) -> RuleRow:
    raw: Any = record["definition"]
    if isinstance(raw, str):
        raw = json.loads(raw)
    return RuleRow(
        rule_id=record["rule_id"],
        version=record["version"],
        definition=RuleDefinition.model_validate(raw),
        created_by=record["created_by"],
        created_at=record["created_at"],
        updated_by=record["updated_by"],
        updated_at=record["updated_at"],
    )


async def insert_rule(
    *,
    conn: asyncpg.Connection,
    rule_id: UUID,
    definition: RuleDefinition,
    actor: str,
    now: datetime,
) -> RuleRow:
    """Raises `asyncpg.UniqueViolationError` when a live rule has the name."""
    record = await conn.fetchrow(
        "INSERT INTO rules (rule_id, name, kind, enabled, position, definition, version,"
        " created_by, created_at, updated_by, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb, 1, $7, $8, $7, $8)"
        f" RETURNING {COLUMNS}",
        rule_id,
        definition.name,
        definition.kind,
        definition.enabled,
        definition.position,
        stored_definition(definition),
        actor,
        now,
    )
    assert record is not None
    return _row(record)


async def update_rule(
    *,
    conn: asyncpg.Connection,
    rule_id: UUID,
    definition: RuleDefinition,
    actor: str,
    now: datetime,
) -> RuleRow:
    """The next version; raises `asyncpg.UniqueViolationError` on a live rule's name."""
    record = await conn.fetchrow(
        "UPDATE rules SET name = $2, kind = $3, enabled = $4, position = $5,"
        " definition = $6::jsonb, version = version + 1, updated_by = $7, updated_at = $8"
        f" WHERE rule_id = $1 AND deleted_at IS NULL RETURNING {COLUMNS}",
        rule_id,
        definition.name,
        definition.kind,
        definition.enabled,
        definition.position,
        stored_definition(definition),
        actor,
        now,
    )
    assert record is not None
    return _row(record)


async def soft_delete_rule(
    *, conn: asyncpg.Connection, rule_id: UUID, actor: str, now: datetime
) -> None:
    await conn.execute(
        "UPDATE rules SET deleted_at = $2, updated_by = $3, updated_at = $2"
        " WHERE rule_id = $1 AND deleted_at IS NULL",
        rule_id,
        now,
        actor,
    )


async def get_rule(
    *, conn: asyncpg.Connection, rule_id: UUID, lock: bool = False
) -> RuleRow | None:
    """A live rule (`lock`: FOR UPDATE, for a change in the caller's transaction)."""
    record = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM rules WHERE rule_id = $1 AND deleted_at IS NULL"
        + (" FOR UPDATE" if lock else ""),
        rule_id,
    )
    return None if record is None else _row(record)


async def list_rules(
    *,
    conn: asyncpg.Connection,
    enabled: bool | None,
    kind: Literal["event", "time"] | None,
    after: UUID | None,
    limit: int,
) -> list[RuleRow]:
    """In evaluation order (position, creation, id), after the cursor rule's place."""
    records = await conn.fetch(
        f"SELECT {COLUMNS} FROM rules r WHERE deleted_at IS NULL"
        " AND ($1::boolean IS NULL OR enabled = $1) AND ($2::text IS NULL OR kind = $2)"
        " AND ($3::uuid IS NULL OR (position, created_at, rule_id) >"
        "  (SELECT c.position, c.created_at, c.rule_id FROM rules c WHERE c.rule_id = $3))"
        " ORDER BY position, created_at, rule_id LIMIT $4",
        enabled,
        kind,
        after,
        limit,
    )
    return [_row(r) for r in records]


async def all_live_rules(*, conn: asyncpg.Connection, lock: bool = False) -> list[RuleRow]:
    """Every live rule in evaluation order (an import locks them all)."""
    records = await conn.fetch(
        f"SELECT {COLUMNS} FROM rules WHERE deleted_at IS NULL"
        " ORDER BY position, created_at, rule_id" + (" FOR UPDATE" if lock else "")
    )
    return [_row(r) for r in records]


async def live_calendar(*, conn: asyncpg.Connection, name: str) -> dict[str, Any] | None:
    """The last `calendar.changed` sla announced for `name`, unless archived."""
    raw: Any = await conn.fetchval(
        "SELECT definition FROM calendars WHERE name = $1 AND NOT archived", name
    )
    if isinstance(raw, str):
        raw = json.loads(raw)
    return None if raw is None else dict(raw)


async def recorded_firings(
    *, conn: asyncpg.Connection, rule_id: UUID, since: datetime, until: datetime, limit: int
) -> list[asyncpg.Record]:
    """What the rule did in a window (a dry run of a changed rule shows it beside the new)."""
    records: list[asyncpg.Record] = await conn.fetch(
        "SELECT firing_id, ticket_id, trigger, event_id, event_type, why, actions, fired_at"
        " FROM firings WHERE rule_id = $1 AND fired_at >= $2 AND fired_at <= $3"
        " ORDER BY fired_at, firing_id LIMIT $4",
        rule_id,
        since,
        until,
        limit,
    )
    return records


async def count_recorded_firings(
    *, conn: asyncpg.Connection, rule_id: UUID, since: datetime, until: datetime
) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM firings WHERE rule_id = $1 AND fired_at >= $2 AND fired_at <= $3",
        rule_id,
        since,
        until,
    )
    return count
