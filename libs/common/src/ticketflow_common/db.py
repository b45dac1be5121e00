"""Postgres connection pools confined to one service's schema."""

import json
from typing import Any

import asyncpg

Connection = asyncpg.Connection
Pool = asyncpg.Pool


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Skip asyncpg's reset round trip on release: no session state outlives a transaction here.

    Advisory locks are transaction-scoped, `SET` is `SET LOCAL`, and listeners are removed by
    whoever added them; asyncpg still rolls back an open transaction before calling this.
    """


async def create_pool(*, dsn: str, schema: str, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections see only `schema` (and pg_catalog) by default."""
    pool: Any = await asyncpg.create_pool(
        dsn=dsn,
        min_size=1,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session,
        server_settings={"search_path": schema, "application_name": f"ticketflow-{schema}"},
    )
    return pool
