"""SQL for the rules that act: the enabled ones in evaluation order, and the rule set's version
(every change of a rule bumps it in the same transaction, so each replica's cache reloads)."""

import json
from typing import Any

import asyncpg

from ticketflow_automation.domain.rules import Rule


async def rule_set_version(*, conn: asyncpg.Connection) -> int:
    version: int = await conn.fetchval("SELECT version FROM rule_set")
    return version


async def bump_rule_set(*, conn: asyncpg.Connection) -> int:
    """Call in the transaction that changes a rule."""
    version: int = await conn.fetchval(
        "UPDATE rule_set SET version = version + 1 RETURNING version"
    )
    return version


def rule_of(row: asyncpg.Record) -> Rule:
    definition: Any = row["definition"]
    if isinstance(definition, str):
        definition = json.loads(definition)
    return Rule.model_validate(
        {"rule_id": row["rule_id"], "version": row["version"], "definition": definition}
    )


async def enabled_rules(*, conn: asyncpg.Connection) -> list[Rule]:
    rows = await conn.fetch(
        "SELECT rule_id, version, definition FROM rules"
        " WHERE enabled AND deleted_at IS NULL ORDER BY position, created_at, rule_id"
    )
    return [rule_of(r) for r in rows]
