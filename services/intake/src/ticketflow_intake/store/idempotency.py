"""SQL for `Idempotency-Key`: one stored response per credential and key."""

from dataclasses import dataclass
from typing import Any

import asyncpg


@dataclass(frozen=True)
class StoredResponse:
    request_hash: bytes
    status: int | None
    body: Any


async def claim_key(
    *, conn: asyncpg.Connection, credential_id: str, key: str, request_hash: bytes
) -> StoredResponse | None:
    """Reserve the key in the caller's transaction; a concurrent twin waits, then sees it used.

    Returns None when this request owns the key, else what the first request stored.
    """
    inserted = await conn.fetchval(
        "INSERT INTO idempotency_keys (credential_id, key, request_hash) VALUES ($1, $2, $3)"
        " ON CONFLICT (credential_id, key) DO NOTHING RETURNING true",
        credential_id,
        key,
        request_hash,
    )
    if inserted:
        return None
    row = await conn.fetchrow(
        "SELECT request_hash, response_status, response_body FROM idempotency_keys"
        " WHERE credential_id = $1 AND key = $2",
        credential_id,
        key,
    )
    return StoredResponse(row["request_hash"], row["response_status"], row["response_body"])


async def store_response(
    *, conn: asyncpg.Connection, credential_id: str, key: str, status: int, body: Any
) -> None:
    await conn.execute(
        "UPDATE idempotency_keys SET response_status = $3, response_body = $4"
        " WHERE credential_id = $1 AND key = $2",
        credential_id,
        key,
        status,
        body,
    )


async def stored_response(
    *, conn: asyncpg.Connection, credential_id: str, key: str
) -> StoredResponse | None:
    """What the request that first used the key stored (committed: a claim waits for that)."""
    row = await conn.fetchrow(
        "SELECT request_hash, response_status, response_body FROM idempotency_keys"
        " WHERE credential_id = $1 AND key = $2",
        credential_id,
        key,
    )
    if row is None:
        return None
    return StoredResponse(row["request_hash"], row["response_status"], row["response_body"])
