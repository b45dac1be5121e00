"""`python -m ticketflow_<service> migrate`: apply the service's migrations and exit, so a deploy
runs them once per release (the Helm chart's hook Job) before the new pods start."""

import argparse
import asyncio
from typing import Any

from ticketflow_common.db import create_pool
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.operator_commands import Commands, OperatorCommand
from ticketflow_common.settings import ServiceSettings

COMMAND = "migrate"


async def migrate_service(settings: ServiceSettings, *, service: str) -> list[str]:
    """The names of the migrations applied now (none when the schema is current)."""
    pool = await create_pool(
        dsn=settings.database_url.get_secret_value(), schema=service, max_size=1
    )
    try:
        async with pool.acquire() as conn:
            return await apply_migrations(
                conn=conn, schema=service, migrations=service_migrations(service)
            )
    finally:
        await pool.close()


def migrate_command(service: str) -> OperatorCommand[Any]:
    """The command for `service`'s parser (`OPERATOR_COMMANDS["migrate"]`)."""

    def add(commands: Commands) -> None:
        commands.add_parser(COMMAND, help="apply the schema's migrations and exit")

    def run(settings: Any, _args: argparse.Namespace) -> None:
        applied = asyncio.run(migrate_service(settings, service=service))
        print(
            f"{service}: {len(applied)} migrations applied"
            + (f": {', '.join(applied)}" if applied else "")
        )

    return add, run
