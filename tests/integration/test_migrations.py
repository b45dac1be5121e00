"""Migrations against the real Postgres: each file once, even with replicas starting together."""

import asyncio
import uuid

import asyncpg
import pytest

from ticketflow_common.migrations import Migration, apply_migrations, service_migrations

pytestmark = pytest.mark.integration

SERVICES = (
    "intake",
    "routing",
    "sla",
    "notify",
    "insights",
    "knowledge",
    "mail",
    "identity",
    "automation",
)


@pytest.mark.parametrize("service", SERVICES)
async def test_replicas_starting_together_apply_each_migration_once(
    database_url: str, service: str
) -> None:
    schema = f"{service}_{uuid.uuid4().hex[:8]}"
    migrations = service_migrations(service)
    conns = [await asyncpg.connect(database_url) for _ in range(3)]
    try:
        results = await asyncio.gather(
            *(apply_migrations(conn=c, schema=schema, migrations=migrations) for c in conns)
        )
        recorded = await conns[0].fetch(
            f'SELECT name FROM "{schema}".schema_migrations ORDER BY name'
        )
        again = await apply_migrations(conn=conns[0], schema=schema, migrations=migrations)
    finally:
        for c in conns:
            await c.close()

    names = [m.name for m in migrations]
    assert sorted(n for r in results for n in r) == sorted(names), (
        "every file applied by exactly one replica"
    )
    assert sorted(r["name"] for r in recorded) == sorted(names)
    assert names[0].startswith("common/"), "shared outbox/inbox tables come first"
    assert again == []


async def test_a_failing_migration_leaves_nothing_behind(database_url: str) -> None:
    schema = f"broken_{uuid.uuid4().hex[:8]}"
    migrations = [
        Migration("t/0001_ok.sql", "CREATE TABLE fine (id int)"),
        Migration("t/0002_bad.sql", "CREATE TABLE broken (id nonexistent_type)"),
    ]
    conn = await asyncpg.connect(database_url)
    try:
        with pytest.raises(asyncpg.UndefinedObjectError):
            await apply_migrations(conn=conn, schema=schema, migrations=migrations)
        exists = await conn.fetchval("SELECT to_regclass($1)", f"{schema}.fine")
    finally:
        await conn.close()
    assert exists is None
