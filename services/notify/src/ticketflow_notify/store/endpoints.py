"""SQL for webhook and chat endpoints, their signing secrets and their health."""

from datetime import datetime, timedelta
from uuid import UUID, uuid4

import asyncpg

from ticketflow_notify.domain.endpoint_health import EndpointHealth
from ticketflow_notify.domain.endpoints import (
    CreatedEndpoint,
    Endpoint,
    EndpointChanges,
    NewEndpoint,
)
from ticketflow_notify.domain.signing import is_asymmetric, shown_key

_PUBLIC_COLUMNS = (
    "id, url, kind, event_types, description, owner_email, max_concurrency, ordering, signing,"
    " enabled,"
    " consecutive_failures, failing_since, circuit_open_until, disabled_at, disabled_reason,"
    " created_at"
)


async def insert_endpoint(
    *,
    conn: asyncpg.Connection,
    endpoint_id: UUID,
    new: NewEndpoint,
    secret: str,
    owner: str | None = None,
) -> CreatedEndpoint:
    """The endpoint, its first secret and (unless declined) its own subscription, together,
    both `owner`'s."""
    async with conn.transaction():
        row = await conn.fetchrow(
            "INSERT INTO endpoints (id, url, kind, event_types, description, owner_email,"
            " max_concurrency, owner, signing, ordering)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            f" RETURNING {_PUBLIC_COLUMNS}",
            endpoint_id,
            str(new.url),
            new.kind,
            new.event_types,
            new.description,
            new.owner_email,
            new.max_concurrency,
            owner,
            new.signing,
            new.ordering,
        )
        await conn.execute(
            "INSERT INTO endpoint_secrets (endpoint_id, secret) VALUES ($1, $2)",
            endpoint_id,
            secret,
        )
        if new.subscribe:
            await conn.execute(
                "INSERT INTO subscriptions (id, description, event_types, endpoint_id, owner,"
                " categories, tags, tiers, requesters)"
                " VALUES ($1, 'created with the endpoint', $2, $3, $4, $5, $6, $7, $8)",
                uuid4(),
                new.event_types,
                endpoint_id,
                owner,
                new.categories,
                new.tags,
                new.tiers,
                new.requesters,
            )
    shown = shown_key(secret)
    if is_asymmetric(secret):
        return CreatedEndpoint(**dict(row), secret=None, public_key=shown)
    return CreatedEndpoint(**dict(row), secret=shown)


async def list_endpoints(
    *,
    conn: asyncpg.Connection,
    limit: int,
    owner: str | None = None,
    after: tuple[datetime, UUID] | None = None,
) -> list[Endpoint]:
    """Live endpoints, oldest first, after a keyset position; only `owner`'s when given."""
    rows = await conn.fetch(
        f"SELECT {_PUBLIC_COLUMNS} FROM endpoints WHERE archived_at IS NULL"
        " AND ($2::text IS NULL OR owner = $2)"
        " AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4::uuid))"
        " ORDER BY created_at, id LIMIT $1",
        limit,
        owner,
        after[0] if after else None,
        after[1] if after else None,
    )
    return [Endpoint.model_validate(dict(r)) for r in rows]


async def get_endpoint(*, conn: asyncpg.Connection, endpoint_id: UUID) -> Endpoint | None:
    row = await conn.fetchrow(
        f"SELECT {_PUBLIC_COLUMNS} FROM endpoints WHERE id = $1 AND archived_at IS NULL",
        endpoint_id,
    )
    return None if row is None else Endpoint.model_validate(dict(row))


async def update_endpoint(
    *, conn: asyncpg.Connection, endpoint_id: UUID, changes: EndpointChanges
) -> Endpoint | None:
    """Apply the given fields; enabling also forgets past failures and closes the circuit."""
    enable = changes.enabled is True
    row = await conn.fetchrow(
        "UPDATE endpoints SET url = coalesce($2, url), description = coalesce($3, description),"
        " owner_email = coalesce($4, owner_email),"
        " max_concurrency = coalesce($5, max_concurrency), enabled = coalesce($6, enabled),"
        " ordering = coalesce($8, ordering),"
        " consecutive_failures = CASE WHEN $7 THEN 0 ELSE consecutive_failures END,"
        " failing_since = CASE WHEN $7 THEN NULL ELSE failing_since END,"
        " circuit_open_until = CASE WHEN $7 THEN NULL ELSE circuit_open_until END,"
        " disabled_at = CASE WHEN $6 IS NULL THEN disabled_at WHEN $6 THEN NULL"
        "   ELSE coalesce(disabled_at, now()) END,"
        " disabled_reason = CASE WHEN $6 IS NULL THEN disabled_reason WHEN $6 THEN NULL"
        "   ELSE coalesce(disabled_reason, 'disabled through the API') END"
        f" WHERE id = $1 AND archived_at IS NULL RETURNING {_PUBLIC_COLUMNS}",
        endpoint_id,
        None if changes.url is None else str(changes.url),
        changes.description,
        changes.owner_email,
        changes.max_concurrency,
        changes.enabled,
        enable,
        changes.ordering,
    )
    return None if row is None else Endpoint.model_validate(dict(row))


async def rotate_secret(
    *,
    conn: asyncpg.Connection,
    endpoint_id: UUID,
    secret: str,
    now: datetime,
    overlap_seconds: float,
) -> datetime | None:
    """Add `secret`; the ones active now stop signing after the overlap. None: no endpoint."""
    expires = now + timedelta(seconds=overlap_seconds)
    async with conn.transaction():
        found = await conn.fetchval(
            "SELECT true FROM endpoints WHERE id = $1 AND archived_at IS NULL FOR UPDATE",
            endpoint_id,
        )
        if not found:
            return None
        await conn.execute(
            "UPDATE endpoint_secrets SET expires_at = $2 WHERE endpoint_id = $1"
            " AND (expires_at IS NULL OR expires_at > $2)",
            endpoint_id,
            expires,
        )
        await conn.execute(
            "DELETE FROM endpoint_secrets WHERE endpoint_id = $1 AND expires_at <= $2",
            endpoint_id,
            now,
        )
        await conn.execute(
            "INSERT INTO endpoint_secrets (endpoint_id, secret, created_at) VALUES ($1, $2, $3)",
            endpoint_id,
            secret,
            now,
        )
    return expires


async def active_secrets(
    *, conn: asyncpg.Connection, endpoint_ids: list[UUID], now: datetime
) -> dict[UUID, list[str]]:
    """Every secret that signs now, newest first, per endpoint."""
    rows = await conn.fetch(
        "SELECT endpoint_id, secret FROM endpoint_secrets WHERE endpoint_id = ANY($1::uuid[])"
        " AND (expires_at IS NULL OR expires_at > $2) ORDER BY created_at DESC, id",
        endpoint_ids,
        now,
    )
    found: dict[UUID, list[str]] = {}
    for row in rows:
        found.setdefault(row["endpoint_id"], []).append(row["secret"])
    return found


async def lock_health(*, conn: asyncpg.Connection, endpoint_id: UUID) -> EndpointHealth | None:
    """The endpoint's health, row-locked until the caller's transaction ends."""
    row = await conn.fetchrow(
        "SELECT consecutive_failures, failing_since, circuit_open_until FROM endpoints"
        " WHERE id = $1 AND enabled FOR UPDATE",
        endpoint_id,
    )
    return None if row is None else EndpointHealth(**dict(row))


async def clear_failures(*, conn: asyncpg.Connection, endpoint_id: UUID) -> None:
    """After a success: touches (and locks) the row only if it had failures to forget."""
    await conn.execute(
        "UPDATE endpoints SET consecutive_failures = 0, failing_since = NULL,"
        " circuit_open_until = NULL WHERE id = $1"
        " AND (consecutive_failures > 0 OR failing_since IS NOT NULL)",
        endpoint_id,
    )


async def save_health(
    *, conn: asyncpg.Connection, endpoint_id: UUID, health: EndpointHealth
) -> None:
    await conn.execute(
        "UPDATE endpoints SET consecutive_failures = $2, failing_since = $3,"
        " circuit_open_until = $4 WHERE id = $1",
        endpoint_id,
        health.consecutive_failures,
        health.failing_since,
        health.circuit_open_until,
    )


async def disable_endpoint(
    *, conn: asyncpg.Connection, endpoint_id: UUID, now: datetime, reason: str
) -> Endpoint | None:
    row = await conn.fetchrow(
        "UPDATE endpoints SET enabled = false, disabled_at = $2, disabled_reason = $3"
        f" WHERE id = $1 AND enabled RETURNING {_PUBLIC_COLUMNS}",
        endpoint_id,
        now,
        reason[:1000],
    )
    return None if row is None else Endpoint.model_validate(dict(row))


async def count_disabled(*, conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM endpoints WHERE NOT enabled AND archived_at IS NULL"
    )
    return count
