"""SQL for API keys (only hashes of their secrets are stored)."""

from datetime import datetime

import asyncpg

from ticketflow_intake.domain.access import CredentialView, Principal, Role, hash_secret


async def insert_credential(
    *, conn: asyncpg.Connection, key_id: str, secret: str, name: str, role: Role, subject: str
) -> CredentialView:
    row = await conn.fetchrow(
        "INSERT INTO credentials (id, name, role, subject, secret_hash)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING *",
        key_id,
        name,
        role,
        subject,
        hash_secret(secret),
    )
    return CredentialView.model_validate(dict(row))


async def find_principal(*, conn: asyncpg.Connection, key_id: str, secret: str) -> Principal | None:
    """The principal behind a live key whose secret matches; compared in the database by hash."""
    row = await conn.fetchrow(
        "SELECT id, role, subject FROM credentials"
        " WHERE id = $1 AND secret_hash = $2 AND revoked_at IS NULL",
        key_id,
        hash_secret(secret),
    )
    if row is None:
        return None
    return Principal(credential_id=row["id"], role=row["role"], subject=row["subject"])


async def list_credentials(
    *, conn: asyncpg.Connection, limit: int, after: tuple[datetime, str] | None = None
) -> list[CredentialView]:
    """Oldest first, after a (created_at, id) position."""
    rows = await conn.fetch(
        "SELECT * FROM credentials WHERE $1::timestamptz IS NULL OR (created_at, id) > ($1, $2)"
        " ORDER BY created_at, id LIMIT $3",
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [CredentialView.model_validate(dict(r)) for r in rows]


async def get_credential(*, conn: asyncpg.Connection, key_id: str) -> CredentialView | None:
    """The key as listed, locked for the change about to be made to it."""
    row = await conn.fetchrow("SELECT * FROM credentials WHERE id = $1 FOR UPDATE", key_id)
    return None if row is None else CredentialView.model_validate(dict(row))


async def revoke_credential(*, conn: asyncpg.Connection, key_id: str) -> bool:
    status = await conn.execute(
        "UPDATE credentials SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", key_id
    )
    return bool(status == "UPDATE 1")
