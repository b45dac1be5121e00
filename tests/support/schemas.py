"""A fresh schema per test: the service's migrations applied to a name no other test uses."""

import contextlib
import uuid
from collections.abc import AsyncIterator

import asyncpg

from ticketflow_common.db import create_pool
from ticketflow_common.migrations import apply_migrations, service_migrations


@contextlib.asynccontextmanager
async def fresh_schema(
    database_url: str, service: str, *, max_size: int = 8
) -> AsyncIterator[tuple[asyncpg.Pool, str]]:
    """A pool on `<service>_<random>` with every migration of `service` applied; the schema
    is dropped afterwards."""
    schema = f"{service}_{uuid.uuid4().hex[:10]}"
    pool = await create_pool(dsn=database_url, schema=schema, max_size=max_size)
    try:
        async with pool.acquire() as conn:
            await apply_migrations(conn=conn, schema=schema, migrations=service_migrations(service))
        yield pool, schema
    finally:
        async with pool.acquire() as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await pool.close()
