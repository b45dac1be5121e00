"""SQL over identity's principals."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

COLUMNS = (
    "principal_id, kind, display_name, email, role, agent_id, teams, disabled_at,"
    " created_at, updated_at, version"
)
UPDATABLE = frozenset({"display_name", "email", "role", "agent_id", "teams"})


async def count_principals(*, conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM principals WHERE disabled_at IS NULL")
    return count


async def insert_principal(
    *,
    conn: asyncpg.Connection,
    principal_id: UUID,
    kind: str,
    display_name: str,
    email: str | None,
    role: str,
    agent_id: UUID | None,
    teams: list[str],
    now: datetime,
) -> asyncpg.Record:
    row: asyncpg.Record = await conn.fetchrow(
        "INSERT INTO principals (principal_id, kind, display_name, email, role, agent_id, teams,"
        " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
        f" RETURNING {COLUMNS}",
        principal_id,
        kind,
        display_name,
        email,
        role,
        agent_id,
        teams,
        now,
    )
    return row


async def get_principal(
    *, conn: asyncpg.Connection, principal_id: UUID, for_update: bool = False
) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    row: asyncpg.Record | None = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM principals WHERE principal_id = $1{lock}", principal_id
    )
    return row


async def principal_by_email(*, conn: asyncpg.Connection, email: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM principals WHERE lower(email) = lower($1)", email
    )
    return row


async def list_principals(
    *,
    conn: asyncpg.Connection,
    role: str | None,
    kind: str | None,
    team: str | None,
    email: str | None,
    disabled: bool | None,
    limit: int,
    after: tuple[datetime, UUID] | None = None,
) -> list[asyncpg.Record]:
    """Oldest first, after a (created_at, principal_id) position."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT {COLUMNS} FROM principals"
        " WHERE ($1::text IS NULL OR role = $1) AND ($2::text IS NULL OR kind = $2)"
        " AND ($3::text IS NULL OR $3 = ANY (teams))"
        " AND ($4::text IS NULL OR lower(email) = lower($4))"
        " AND ($5::boolean IS NULL OR (disabled_at IS NOT NULL) = $5)"
        " AND ($7::timestamptz IS NULL OR (created_at, principal_id) > ($7, $8::uuid))"
        " ORDER BY created_at, principal_id LIMIT $6",
        role,
        kind,
        team,
        email,
        disabled,
        limit,
        after[0] if after else None,
        after[1] if after else None,
    )
    return rows


async def update_principal(
    *, conn: asyncpg.Connection, principal_id: UUID, changes: dict[str, Any], now: datetime
) -> asyncpg.Record:
    """Set `changes` (names from UPDATABLE), bump the version."""
    names = sorted(set(changes) & UPDATABLE)
    sets = "".join(f", {name} = ${i}" for i, name in enumerate(names, start=3))
    row: asyncpg.Record = await conn.fetchrow(
        f"UPDATE principals SET updated_at = $2, version = version + 1{sets}"
        f" WHERE principal_id = $1 RETURNING {COLUMNS}",
        principal_id,
        now,
        *(changes[name] for name in names),
    )
    return row


async def disable_principal(
    *, conn: asyncpg.Connection, principal_id: UUID, now: datetime
) -> asyncpg.Record:
    row: asyncpg.Record = await conn.fetchrow(
        "UPDATE principals SET disabled_at = $2, updated_at = $2, version = version + 1"
        f" WHERE principal_id = $1 RETURNING {COLUMNS}",
        principal_id,
        now,
    )
    return row
