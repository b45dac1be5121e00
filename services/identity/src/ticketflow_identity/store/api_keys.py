"""SQL over identity's API keys (the secret only as its hash)."""

from datetime import datetime
from uuid import UUID

import asyncpg

COLUMNS = (
    "key_id, principal_id, name, scopes, created_at, expires_at, last_used_at, last_used_from,"
    " revoked_at, replaced_by"
)


async def insert_key(
    *,
    conn: asyncpg.Connection,
    key_id: str,
    principal_id: UUID,
    name: str,
    secret_hash: bytes,
    scopes: list[str] | None,
    expires_at: datetime | None,
    now: datetime,
) -> asyncpg.Record:
    row: asyncpg.Record = await conn.fetchrow(
        "INSERT INTO api_keys (key_id, principal_id, name, secret_hash, scopes, created_at,"
        f" expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}",
        key_id,
        principal_id,
        name,
        secret_hash,
        scopes,
        now,
        expires_at,
    )
    return row


async def get_key(
    *, conn: asyncpg.Connection, key_id: str, for_update: bool = False
) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    row: asyncpg.Record | None = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM api_keys WHERE key_id = $1{lock}", key_id
    )
    return row


async def credential_of(*, conn: asyncpg.Connection, key_id: str) -> asyncpg.Record | None:
    """The key with its hash and its principal, for a token exchange."""
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT k.key_id, k.secret_hash, k.scopes, k.expires_at, k.revoked_at,"
        " k.last_used_at, p.principal_id, p.role, p.agent_id, p.teams, p.disabled_at"
        " FROM api_keys k JOIN principals p USING (principal_id) WHERE k.key_id = $1",
        key_id,
    )
    return row


async def keys_of(*, conn: asyncpg.Connection, principal_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT {COLUMNS} FROM api_keys WHERE principal_id = $1 ORDER BY created_at, key_id",
        principal_id,
    )
    return rows


async def live_keys_of(*, conn: asyncpg.Connection, principal_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT {COLUMNS} FROM api_keys WHERE principal_id = $1 AND revoked_at IS NULL"
        " ORDER BY created_at, key_id FOR UPDATE",
        principal_id,
    )
    return rows


async def revoke_key(*, conn: asyncpg.Connection, key_id: str, now: datetime) -> asyncpg.Record:
    row: asyncpg.Record = await conn.fetchrow(
        f"UPDATE api_keys SET revoked_at = $2 WHERE key_id = $1 RETURNING {COLUMNS}", key_id, now
    )
    return row


async def mark_replaced(
    *, conn: asyncpg.Connection, key_id: str, replaced_by: str, ends_at: datetime
) -> None:
    await conn.execute(
        "UPDATE api_keys SET replaced_by = $2, expires_at = $3 WHERE key_id = $1",
        key_id,
        replaced_by,
        ends_at,
    )


async def record_use(
    *, conn: asyncpg.Connection, key_id: str, address: str, now: datetime, every_seconds: float
) -> None:
    """Last use and address, written only when the stored one is older than `every_seconds`."""
    await conn.execute(
        "UPDATE api_keys SET last_used_at = $2, last_used_from = $3 WHERE key_id = $1"
        " AND (last_used_at IS NULL"
        " OR last_used_at <= $2::timestamptz - make_interval(secs => $4::float8))",
        key_id,
        now,
        address,
        every_seconds,
    )


async def keys_ended(
    *, conn: asyncpg.Connection, now: datetime, limit: int
) -> list[asyncpg.Record]:
    """Unrevoked keys past their expiry (or their rotation's overlap), locked for the caller."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT {COLUMNS} FROM api_keys WHERE revoked_at IS NULL AND expires_at <= $1"
        " ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        now,
        limit,
    )
    return rows


async def unused_keys(
    *,
    conn: asyncpg.Connection,
    since: datetime,
    limit: int,
    after: tuple[datetime, str] | None = None,
) -> list[asyncpg.Record]:
    """Longest unused first, after a (last use or creation, key_id) position."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT {COLUMNS} FROM api_keys WHERE revoked_at IS NULL"
        " AND coalesce(last_used_at, created_at) < $1"
        " AND ($3::timestamptz IS NULL"
        " OR (coalesce(last_used_at, created_at), key_id) > ($3, $4::text))"
        " ORDER BY coalesce(last_used_at, created_at), key_id LIMIT $2",
        since,
        limit,
        after[0] if after else None,
        after[1] if after else None,
    )
    return rows
