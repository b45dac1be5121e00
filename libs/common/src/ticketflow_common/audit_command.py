"""`python -m ticketflow_<service> verify-audit`: recompute the service's audit chain; exit 0
when it is intact, 1 naming the first broken entry."""

import argparse
import asyncio
from typing import Any

from ticketflow_common.audit import ChainReport, verify_chain
from ticketflow_common.db import create_pool
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.operator_commands import Commands, OperatorCommand
from ticketflow_common.settings import ServiceSettings

COMMAND = "verify-audit"


async def verify_service_chain(
    settings: ServiceSettings, *, service: str, schema: str
) -> ChainReport:
    """Migrate the schema if needed (an empty chain is intact), then verify its chain."""
    pool = await create_pool(
        dsn=settings.database_url.get_secret_value(), schema=schema, max_size=1
    )
    try:
        async with pool.acquire() as conn:
            await apply_migrations(conn=conn, schema=schema, migrations=service_migrations(service))
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                return await verify_chain(conn=conn)
    finally:
        await pool.close()


def verify_audit_command(service: str) -> OperatorCommand[Any]:
    """The command for `service`'s parser (`OPERATOR_COMMANDS["verify-audit"]`)."""

    def add(commands: Commands) -> None:
        verify = commands.add_parser(COMMAND, help="verify the audit log's hash chain")
        verify.add_argument("--schema", default=service, help="the schema (default: the service)")

    def run(settings: Any, args: argparse.Namespace) -> None:
        report = asyncio.run(verify_service_chain(settings, service=service, schema=args.schema))
        if report.intact:
            print(f"{service} audit log intact: {report.entries} entries ({report.last_hash})")
            return
        print(
            f"{service} audit log broken at sequence {report.broken_sequence}: {report.reason}"
            f" ({report.entries} entries before it verified)"
        )
        raise SystemExit(1)

    return add, run
