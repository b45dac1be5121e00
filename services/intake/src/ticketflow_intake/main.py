"""Wires intake: the public ticket API, and projections of the other services' events.

`python -m ticketflow_intake` serves; `python -m ticketflow_intake create-admin --name ops`
prints a new admin API key (the first one, typically) and exits; `python -m ticketflow_intake
reindex-search` analyses the search text of tickets written before (or by an older version of)
`ticketflow_common.text_analysis`, prints how many, and exits."""

import argparse
import asyncio

from fastapi import FastAPI

from ticketflow_common.audit_command import verify_audit_command
from ticketflow_common.db import create_pool
from ticketflow_common.migrate_command import migrate_command
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.rate_limit import RatePolicy
from ticketflow_common.rate_limit_lease import LeasedLimit
from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_intake.api import (
    admin,
    approval_links,
    conversation,
    lifecycle,
    survey_links,
    tickets,
)
from ticketflow_intake.api.deps import API_KEY, authenticate
from ticketflow_intake.commands.credentials import create_admin
from ticketflow_intake.commands.search_index import BATCH, reindex_search
from ticketflow_intake.messaging.events import event_table
from ticketflow_intake.settings import IntakeSettings
from ticketflow_intake.workers.approval_rounds import run_approval_rounds
from ticketflow_intake.workers.backlog_gauge import run_backlog_gauge
from ticketflow_intake.workers.surveys import run_survey_worker

NAME = "intake"
DESCRIPTION = """
The public ticket API. Authenticate with `Authorization: Bearer <API key>`; keys carry a role
(requester, agent, approver, admin). Errors are RFC 9457 `application/problem+json` naming each
bad field. `POST /tickets` honours `Idempotency-Key`; changes honour `If-Match` (RFC 9110,
ETag = version).
"""
VERIFY_AUDIT = verify_audit_command(NAME)
MIGRATE = migrate_command(NAME)


def spec(settings: IntakeSettings) -> ServiceSpec[IntakeSettings]:
    def install_rate_limiter(app: FastAPI) -> None:
        app.state.key_rate_limit = LeasedLimit(
            policy=RatePolicy.per_second(
                "api-key", rate=settings.rate_limit_per_second, burst=settings.rate_limit_burst
            ),
            max_lease=settings.rate_limit_lease,
            lease_seconds=settings.rate_limit_lease_seconds,
        )

    return ServiceSpec(
        name=NAME,
        title="Ticketflow Intake API",
        description=DESCRIPTION,
        routers=[
            tickets.router,
            lifecycle.router,
            conversation.router,
            admin.router,
            approval_links.router,
            survey_links.router,
        ],
        events=event_table,
        auth=authenticate,
        auth_scheme=API_KEY,
        max_body_bytes=settings.max_body_bytes,
        setup_app=install_rate_limiter,
        loops=[run_backlog_gauge, run_approval_rounds, run_survey_worker],
    )


async def issue_admin_key(settings: IntakeSettings, name: str) -> str:
    """Migrate intake's schema if needed, then issue an admin API key and return its token."""
    pool = await create_pool(dsn=settings.database_url.get_secret_value(), schema=NAME, max_size=2)
    try:
        async with pool.acquire() as conn:
            await apply_migrations(conn=conn, schema=NAME, migrations=service_migrations(NAME))
            return await create_admin(conn=conn, name=name)
    finally:
        await pool.close()


async def reindex(settings: IntakeSettings, batch: int) -> int:
    """Migrate intake's schema if needed, then analyse the tickets' search text."""
    pool = await create_pool(dsn=settings.database_url.get_secret_value(), schema=NAME, max_size=2)
    try:
        async with pool.acquire() as conn:
            await apply_migrations(conn=conn, schema=NAME, migrations=service_migrations(NAME))
        return await reindex_search(pool=pool, batch=batch)
    finally:
        await pool.close()


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ticketflow_intake",
        description="Serve intake; or, with a command, run an operator command and exit.",
    )
    commands = parser.add_subparsers(dest="command")
    admin_key = commands.add_parser("create-admin", help="issue an admin API key and print it once")
    admin_key.add_argument("--name", required=True)
    reindex_cmd = commands.add_parser(
        "reindex-search", help="analyse the search text of tickets not analysed yet"
    )
    reindex_cmd.add_argument("--batch", type=int, default=BATCH, help="tickets a transaction")
    VERIFY_AUDIT[0](commands)
    MIGRATE[0](commands)
    return parser


def run() -> None:
    args = arguments().parse_args()
    settings = IntakeSettings()
    if args.command == "create-admin":
        print(asyncio.run(issue_admin_key(settings, args.name)))
        return
    if args.command == "reindex-search":
        print(f"analysed {asyncio.run(reindex(settings, args.batch))} tickets")
        return
    if args.command == "verify-audit":
        VERIFY_AUDIT[1](settings, args)
        return
    if args.command == "migrate":
        MIGRATE[1](settings, args)
        return
    run_service(spec(settings), settings)
