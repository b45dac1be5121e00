"""Ordered SQL migrations per schema, applied once each under an advisory lock."""

from dataclasses import dataclass
from importlib import resources

import asyncpg

COMMON_PACKAGE = "ticketflow_common"
# A migration may rewrite a big table or wait for another replica's migrations: the pool's
# statement and lock timeouts are lifted for its transaction, and asyncpg waits this long.
MIGRATION_COMMAND_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class Migration:
    """One SQL file; `name` (e.g. `common/0001_outbox.sql`) is what the version table records."""

    name: str
    sql: str


def load_migrations(package: str, *, label: str) -> list[Migration]:
    """Read `<package>/migrations/*.sql` in file-name order."""
    folder = resources.files(package) / "migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [Migration(name=f"{label}/{f.name}", sql=f.read_text()) for f in files]


def service_migrations(service: str) -> list[Migration]:
    """The shared outbox/inbox tables first, then the service's own files (package
    `ticketflow_<service>`, recorded under the service's name as they always were)."""
    return [
        *load_migrations(COMMON_PACKAGE, label="common"),
        *load_migrations(f"ticketflow_{service}", label=service),
    ]


def _quote_ident(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"schema name {name!r} is not a plain identifier")
    return f'"{name}"'


async def apply_migrations(
    *, conn: asyncpg.Connection, schema: str, migrations: list[Migration]
) -> list[str]:
    """Apply the migrations not yet recorded in `<schema>.schema_migrations`; return their names.

    Runs in one transaction (a savepoint if the caller has one open), so concurrent
    replicas starting together apply each file exactly once.
    """
    ident = _quote_ident(schema)
    applied_now: list[str] = []
    wait = MIGRATION_COMMAND_SECONDS
    async with conn.transaction():
        await conn.execute("SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0")
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1))", f"migrations:{schema}", timeout=wait
        )
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {ident}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {ident}.schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        rows = await conn.fetch(f"SELECT name FROM {ident}.schema_migrations")
        done = {r["name"] for r in rows}
        await conn.execute(f"SET LOCAL search_path TO {ident}")
        for migration in migrations:
            if migration.name in done:
                continue
            await conn.execute(migration.sql, timeout=wait)
            await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", migration.name)
            applied_now.append(migration.name)
    return applied_now
