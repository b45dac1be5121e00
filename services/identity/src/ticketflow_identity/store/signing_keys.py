"""SQL over the Ed25519 keys that sign access tokens (private halves sealed)."""

from datetime import datetime
from typing import Any

import asyncpg

COLUMNS = "kid, private_pem, public_jwk, created_at, active_from, retired_at"
ROTATION_LOCK = 0x7469_6400_0001
"""Advisory lock: one process at a time creates or rotates signing keys."""


async def lock_rotation(*, conn: asyncpg.Connection) -> None:
    """Held until the caller's transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", ROTATION_LOCK)


async def current_keys(
    *, conn: asyncpg.Connection, retired_after: datetime
) -> list[asyncpg.Record]:
    """Keys not retired, or retired after `retired_after` (their tokens may still live)."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT {COLUMNS} FROM signing_keys WHERE retired_at IS NULL OR retired_at > $1"
        " ORDER BY active_from, kid",
        retired_after,
    )
    return rows


async def insert_signing_key(
    *,
    conn: asyncpg.Connection,
    kid: str,
    sealed: bytes,
    public_jwk: dict[str, Any],
    now: datetime,
    active_from: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO signing_keys (kid, algorithm, private_pem, public_jwk, created_at,"
        " active_from) VALUES ($1, 'EdDSA', $2, $3, $4, $5)",
        kid,
        sealed,
        public_jwk,
        now,
        active_from,
    )


async def retire_signing_key(*, conn: asyncpg.Connection, kid: str, at: datetime) -> None:
    await conn.execute("UPDATE signing_keys SET retired_at = $2 WHERE kid = $1", kid, at)
