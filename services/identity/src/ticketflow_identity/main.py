"""Wires identity: principals and their API keys, the token endpoint that turns an API key
into a short-lived EdDSA access token, and the key set services verify.

`python -m ticketflow_identity` serves. Operator commands, each of which exits when done:
`bootstrap-admin --name <display name> [--email <address>]` prints an admin's API key once."""

import argparse
import asyncio

from ticketflow_common.audit_command import verify_audit_command
from ticketflow_common.clock import system_clock
from ticketflow_common.db import create_pool
from ticketflow_common.migrate_command import migrate_command
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.operator_commands import (
    Commands,
    OperatorCommand,
    operator_parser,
    serve_or_run_command,
)
from ticketflow_common.problems import ProblemError
from ticketflow_common.service_main import ServiceSpec
from ticketflow_identity.api import keys, principals, signing_keys, token, well_known
from ticketflow_identity.api.authentication import OPEN_PATHS, authenticate
from ticketflow_identity.commands.bootstrap import bootstrap_admin
from ticketflow_identity.messaging.events import event_table
from ticketflow_identity.settings import IdentitySettings
from ticketflow_identity.workers.gauges import run_gauges
from ticketflow_identity.workers.maintenance import run_maintenance

NAME = "identity"

SPEC: ServiceSpec[IdentitySettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Identity API",
    routers=[
        token.router,
        well_known.router,
        principals.router,
        keys.router,
        signing_keys.router,
    ],
    events=event_table,
    auth=authenticate,
    open_paths=OPEN_PATHS,
    loops=[run_gauges, run_maintenance],
)


def add_bootstrap_admin(commands: Commands) -> None:
    command = commands.add_parser(
        "bootstrap-admin", help="create an admin (or reuse the one with --email), print a key"
    )
    command.add_argument("--name", required=True, help="the admin's display name")
    command.add_argument("--email", default=None, help="reuse the admin with this email")


async def _bootstrap(settings: IdentitySettings, args: argparse.Namespace) -> str:
    pool = await create_pool(dsn=settings.database_url.get_secret_value(), schema=NAME, max_size=2)
    try:
        async with pool.acquire() as conn:
            await apply_migrations(conn=conn, schema=NAME, migrations=service_migrations(NAME))
            _admin, key, _created = await bootstrap_admin(
                conn=conn, name=args.name, email=args.email, settings=settings, now=system_clock()
            )
    finally:
        await pool.close()
    return key.token


def run_bootstrap_admin(settings: IdentitySettings, args: argparse.Namespace) -> None:
    """Prints only the key (stdout), so `$(... bootstrap-admin ...)` captures it."""
    try:
        print(asyncio.run(_bootstrap(settings, args)))
    except ProblemError as exc:
        raise SystemExit(f"bootstrap-admin: {exc.detail}") from exc


OPERATOR_COMMANDS: dict[str, OperatorCommand[IdentitySettings]] = {
    "bootstrap-admin": (add_bootstrap_admin, run_bootstrap_admin),
    "verify-audit": verify_audit_command(SPEC.name),
    "migrate": migrate_command(SPEC.name),
}


def arguments() -> argparse.ArgumentParser:
    return operator_parser(service=NAME, commands=OPERATOR_COMMANDS)


def run() -> None:
    serve_or_run_command(SPEC, IdentitySettings, OPERATOR_COMMANDS)
