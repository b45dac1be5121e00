"""SQL for macros (soft-deleted, versioned) and their applications (one per caller and
`Idempotency-Key`)."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_automation.domain.macros import Macro, MacroApplication, MacroDefinition

_COLUMNS = "macro_id, version, definition, created_by, created_at, updated_by, updated_at"


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _macro(row: asyncpg.Record) -> Macro:
    return Macro.model_validate({**dict(row), "definition": _json(row["definition"])})


def _document(definition: MacroDefinition) -> dict[str, Any]:
    """As jsonb takes it (the pool's codec encodes; a string would be stored as a string)."""
    return definition.model_dump(mode="json", exclude_none=True)


class NameTaken(Exception):
    """Another live macro has this name."""


async def insert_macro(
    *,
    conn: asyncpg.Connection,
    macro_id: UUID,
    definition: MacroDefinition,
    actor: str,
    now: datetime,
) -> Macro:
    try:
        async with conn.transaction():
            row = await conn.fetchrow(
                "INSERT INTO macros (macro_id, name, definition, version, created_by, created_at,"
                " updated_by, updated_at) VALUES ($1, $2, $3::jsonb, 1, $4, $5, $4, $5)"
                f" RETURNING {_COLUMNS}",
                macro_id,
                definition.name,
                _document(definition),
                actor,
                now,
            )
    except asyncpg.UniqueViolationError:
        raise NameTaken(definition.name) from None
    return _macro(row)


async def get_macro(
    *, conn: asyncpg.Connection, macro_id: UUID, lock: bool = False
) -> Macro | None:
    """The live macro (not deleted); `lock`: for the rest of the caller's transaction."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM macros WHERE macro_id = $1 AND deleted_at IS NULL"
        + (" FOR UPDATE" if lock else ""),
        macro_id,
    )
    return None if row is None else _macro(row)


async def list_macros(
    *, conn: asyncpg.Connection, teams: list[str] | None, after: UUID | None, limit: int
) -> list[Macro]:
    """Live macros by id after `after`; `teams` None: all, else those offered to all or to one
    of `teams`."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM macros WHERE deleted_at IS NULL"
        " AND ($1::uuid IS NULL OR macro_id > $1)"
        " AND ($2::text[] IS NULL OR coalesce(definition->'teams', '[]'::jsonb) = '[]'::jsonb"
        "      OR definition->'teams' ?| $2::text[])"
        " ORDER BY macro_id LIMIT $3",
        after,
        teams,
        limit,
    )
    return [_macro(r) for r in rows]


async def replace_macro(
    *,
    conn: asyncpg.Connection,
    macro_id: UUID,
    definition: MacroDefinition,
    actor: str,
    now: datetime,
) -> Macro:
    """The next version of a live macro (locked by the caller)."""
    try:
        async with conn.transaction():
            row = await conn.fetchrow(
                "UPDATE macros SET name = $2, definition = $3::jsonb, version = version + 1,"
                " updated_by = $4, updated_at = $5 WHERE macro_id = $1 AND deleted_at IS NULL"
                f" RETURNING {_COLUMNS}",
                macro_id,
                definition.name,
                _document(definition),
                actor,
                now,
            )
    except asyncpg.UniqueViolationError:
        raise NameTaken(definition.name) from None
    assert row is not None
    return _macro(row)


async def delete_macro(
    *, conn: asyncpg.Connection, macro_id: UUID, actor: str, now: datetime
) -> None:
    await conn.execute(
        "UPDATE macros SET deleted_at = $3, updated_by = $2, updated_at = $3"
        " WHERE macro_id = $1 AND deleted_at IS NULL",
        macro_id,
        actor,
        now,
    )


def _application(row: asyncpg.Record) -> MacroApplication:
    return MacroApplication.model_validate({**dict(row), "actions": _json(row["actions"])})


async def insert_application(*, conn: asyncpg.Connection, application: MacroApplication) -> bool:
    """False when the caller used its `Idempotency-Key` before (that row is kept)."""
    inserted = await conn.fetchval(
        "INSERT INTO macro_applications (application_id, macro_id, macro_version, ticket_id,"
        " actor_id, idempotency_key, actions, applied_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)"
        " ON CONFLICT (actor_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING"
        " RETURNING true",
        application.application_id,
        application.macro_id,
        application.macro_version,
        application.ticket_id,
        application.actor_id,
        application.idempotency_key,
        [a.model_dump(mode="json", exclude_none=True) for a in application.actions],
        application.applied_at,
    )
    return bool(inserted)


async def application_by_key(
    *, conn: asyncpg.Connection, actor_id: str, key: str
) -> MacroApplication | None:
    row = await conn.fetchrow(
        "SELECT application_id, macro_id, macro_version, ticket_id, actor_id, idempotency_key,"
        " actions, applied_at FROM macro_applications"
        " WHERE actor_id = $1 AND idempotency_key = $2",
        actor_id,
        key,
    )
    return None if row is None else _application(row)
