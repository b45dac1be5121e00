"""A service schema described from Postgres' catalog, to compare migrations with the declared one.

Each service commits `schema.txt`, the description of what its migrations produce; a test
applies the migrations to an empty schema and compares. Regenerate after adding a migration:
`python -m ticketflow_common.schema_catalog --database-url ... --write`.
"""

import argparse
import asyncio
import uuid
from pathlib import Path

import asyncpg

from ticketflow_common.migrations import apply_migrations, service_migrations

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
    "console",
)


async def describe_schema(*, conn: asyncpg.Connection, schema: str) -> str:
    """Tables, columns, constraints, indexes and triggers, in a stable order, schema-neutral."""
    lines: list[str] = []
    columns = await conn.fetch(
        "SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,"
        " is_identity FROM information_schema.columns WHERE table_schema = $1"
        " ORDER BY table_name, ordinal_position",
        schema,
    )
    for c in columns:
        kind = c["udt_name"] if c["data_type"] in ("ARRAY", "USER-DEFINED") else c["data_type"]
        extras = [] if c["is_nullable"] == "YES" else ["NOT NULL"]
        if c["is_identity"] == "YES":
            extras.append("IDENTITY")
        elif c["column_default"] is not None:
            extras.append(f"DEFAULT {c['column_default']}")
        described = " ".join([f"column {c['table_name']}.{c['column_name']}", kind, *extras])
        lines.append(described)
    constraints = await conn.fetch(
        "SELECT cl.relname AS table_name, co.conname, pg_get_constraintdef(co.oid) AS definition"
        " FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid"
        " JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE n.nspname = $1"
        " ORDER BY cl.relname, co.conname",
        schema,
    )
    lines += [f"constraint {r['table_name']}.{r['conname']} {r['definition']}" for r in constraints]
    indexes = await conn.fetch(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname",
        schema,
    )
    lines += [f"index {r['indexname']}: {r['indexdef']}" for r in indexes]
    triggers = await conn.fetch(
        "SELECT c.relname AS table_name, t.tgname FROM pg_trigger t"
        " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY c.relname, t.tgname",
        schema,
    )
    lines += [f"trigger {r['table_name']}.{r['tgname']}" for r in triggers]
    text = "\n".join(lines) + "\n"
    return text.replace(f"{schema}.", "<schema>.")


async def describe_migrated(*, conn: asyncpg.Connection, service: str) -> str:
    """Apply the service's migrations to a scratch schema, describe it, drop it."""
    scratch = f"{service}_catalog_{uuid.uuid4().hex[:8]}"
    try:
        await apply_migrations(conn=conn, schema=scratch, migrations=service_migrations(service))
        return await describe_schema(conn=conn, schema=scratch)
    finally:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{scratch}" CASCADE')


def declared_schema_path(root: Path, service: str) -> Path:
    return root / "services" / service / "schema.txt"


async def _write_all(database_url: str, root: Path) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        for service in SERVICES:
            text = await describe_migrated(conn=conn, service=service)
            declared_schema_path(root, service).write_text(
                f"-- What services/{service} migrations produce; regenerate, never edit.\n{text}"
            )
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--write", action="store_true", required=True)
    args = parser.parse_args()
    asyncio.run(_write_all(args.database_url, args.root))


if __name__ == "__main__":
    main()
