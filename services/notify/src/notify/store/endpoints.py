"""SQL for webhook endpoints."""

from uuid import UUID

import asyncpg

from notify.domain.endpoints import CreatedEndpoint, Endpoint, NewEndpoint

_PUBLIC_COLUMNS = "id, url, event_types, description, enabled, created_at"


async def insert_endpoint(
    *, conn: asyncpg.Connection, endpoint_id: UUID, new: NewEndpoint, secret: str
) -> CreatedEndpoint:
    row = await conn.fetchrow(
        "INSERT INTO endpoints (id, url, secret, event_types, description)"
        f" VALUES ($1, $2, $3, $4, $5) RETURNING {_PUBLIC_COLUMNS}",
        endpoint_id,
        str(new.url),
        secret,
        new.event_types,
        new.description,
    )
    return CreatedEndpoint(**dict(row), secret=secret)


async def list_endpoints(*, conn: asyncpg.Connection, limit: int) -> list[Endpoint]:
    rows = await conn.fetch(
        f"SELECT {_PUBLIC_COLUMNS} FROM endpoints ORDER BY created_at, id LIMIT $1", limit
    )
    return [Endpoint.model_validate(dict(r)) for r in rows]
