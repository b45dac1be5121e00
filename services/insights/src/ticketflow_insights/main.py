"""Wires insights: facts from every topic, and the forecast, staffing, risk, scorecard and
report APIs and workers on top of them.

`python -m ticketflow_insights` serves. Operator commands, each of which exits when done:
`rebuild` empties the facts and replays the topics from their beginning through the same
handlers; `issue-token --agent <id>` prints a viewer token for an agent or lead;
`seed-history --weeks 6 --seed 7` applies weeks of made-up desk history to the facts (demos)."""

import argparse
import asyncio
import json
import sys
from uuid import UUID

from ticketflow_common.audit_command import verify_audit_command
from ticketflow_common.clock import system_clock
from ticketflow_common.db import create_pool
from ticketflow_common.kafka import new_producer
from ticketflow_common.migrate_command import migrate_command
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.operator_commands import (
    Commands,
    OperatorCommand,
    operator_parser,
    serve_or_run_command,
)
from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import ServiceSpec
from ticketflow_common.topics import TopicNames
from ticketflow_insights.api import breach_risk, facts, forecasts, scorecards, targets
from ticketflow_insights.api.authentication import VIEWER_TOKEN, authenticate
from ticketflow_insights.api.reports import router as reports_router
from ticketflow_insights.api.staffing import router as staffing_router
from ticketflow_insights.commands.authentication import issue_viewer_token
from ticketflow_insights.commands.facts_rebuild import RebuildReport, rebuild_facts
from ticketflow_insights.commands.seed_history import BATCH_SIZE, seed_history
from ticketflow_insights.messaging.events import FACTS_TABLE, event_table
from ticketflow_insights.settings import InsightsSettings
from ticketflow_insights.workers.breach_risk import run_breach_risk
from ticketflow_insights.workers.forecasts import run_forecasts
from ticketflow_insights.workers.gauges import run_gauges
from ticketflow_insights.workers.reports import run_reports
from ticketflow_insights.workers.staffing import run_staffing

NAME = "insights"

SPEC: ServiceSpec[InsightsSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Insights API",
    routers=[
        facts.router,
        forecasts.router,
        breach_risk.router,
        scorecards.router,
        targets.router,
        reports_router,
        staffing_router,
    ],
    events=event_table,
    auth=authenticate,
    auth_scheme=VIEWER_TOKEN,
    loops=[run_gauges, run_forecasts, run_breach_risk, run_reports, run_staffing],
)


async def rebuild(settings: InsightsSettings, *, batch_size: int, workers: int) -> RebuildReport:
    """Migrate if needed, then rebuild the facts from the topics under the settings' prefix."""
    pool = await create_pool(
        dsn=settings.database_url.get_secret_value(),
        schema=NAME,
        max_size=workers + 1,
        timeouts=settings.db_timeouts(),
    )
    try:
        async with pool.acquire() as conn:
            await apply_migrations(conn=conn, schema=NAME, migrations=service_migrations(NAME))
        return await rebuild_facts(
            pool=pool,
            table=FACTS_TABLE,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            names=TopicNames(settings.topic_prefix),
            batch_size=batch_size,
            workers=workers,
        )
    finally:
        await pool.close()


def add_rebuild(commands: Commands) -> None:
    rebuilding = commands.add_parser(
        "rebuild", help="empty the facts and replay every consumed topic from its beginning"
    )
    rebuilding.add_argument("--batch-size", type=int, default=2000, help="events per transaction")
    rebuilding.add_argument(
        "--workers", type=int, default=4, help="transactions at once (shards by ticket)"
    )


def run_rebuild(settings: InsightsSettings, args: argparse.Namespace) -> None:
    report = asyncio.run(
        rebuild(settings, batch_size=max(1, args.batch_size), workers=max(1, args.workers))
    )
    print(json.dumps(report.as_dict(), indent=2, sort_keys=True))


def add_issue_token(commands: Commands) -> None:
    """`issue-token`: a signed viewer token for an agent, printed once."""
    issue = commands.add_parser("issue-token", help="print a viewer token for an agent")
    issue.add_argument("--agent", required=True, type=UUID, help="the agent's id")
    issue.add_argument("--hours", type=float, default=12.0, help="how long it is valid")


def run_issue_token(settings: InsightsSettings, args: argparse.Namespace) -> None:
    try:
        token = issue_viewer_token(
            agent_id=args.agent,
            viewer_secret=settings.viewer_token_secret,
            now=system_clock(),
            hours=args.hours,
        )
    except ValueError as error:
        raise SystemExit(str(error)) from None
    print(token)


def add_seed_history(commands: Commands) -> None:
    seed = commands.add_parser(
        "seed-history",
        help="apply weeks of generated demo history straight to the facts (not to the topics)",
    )
    seed.add_argument("--weeks", type=int, default=6)
    seed.add_argument("--seed", type=int, default=7)
    seed.add_argument("--volume", type=float, default=1.0, help="scales the arrivals")


def report_progress(done: int, total: int) -> None:
    if done == total or done % 5000 < BATCH_SIZE:
        print(f"  {done}/{total} events", file=sys.stderr, flush=True)


async def seed_demo_history(settings: InsightsSettings, args: argparse.Namespace) -> None:
    """Migrate insights' schema if needed, then apply the seed's history and say what it did."""
    pool = await create_pool(dsn=settings.database_url.get_secret_value(), schema=NAME, max_size=2)
    producer = new_producer(settings.kafka_bootstrap_servers, client_id=f"{NAME}-seed")  # unstarted
    try:
        async with pool.acquire() as conn:
            await apply_migrations(conn=conn, schema=NAME, migrations=service_migrations(NAME))
        runtime = Runtime(
            service=NAME,
            settings=settings,
            pool=pool,
            producer=producer,
            names=TopicNames(settings.topic_prefix),
        )
        outcome = await seed_history(
            pool=pool,
            table=SPEC.events(runtime),
            now=system_clock(),
            weeks=args.weeks,
            seed=args.seed,
            volume=args.volume,
            progress=report_progress,
        )
    finally:
        await producer.stop()
        await pool.close()
    state = "already applied" if outcome.already_complete else "applied"
    print(
        f"demo history seed {outcome.seed} {state}: {outcome.starts_at:%Y-%m-%d} to"
        f" {outcome.ends_at:%Y-%m-%d %H:%M} UTC, {outcome.applied} events applied now,"
        f" {outcome.duplicates} applied before, {outcome.unhandled} without a handler"
    )


def run_seed_history(settings: InsightsSettings, args: argparse.Namespace) -> None:
    asyncio.run(seed_demo_history(settings, args))


OPERATOR_COMMANDS: dict[str, OperatorCommand[InsightsSettings]] = {
    "rebuild": (add_rebuild, run_rebuild),
    "issue-token": (add_issue_token, run_issue_token),
    "seed-history": (add_seed_history, run_seed_history),
    "verify-audit": verify_audit_command(NAME),
    "migrate": migrate_command(NAME),
}


def arguments() -> argparse.ArgumentParser:
    return operator_parser(service=NAME, commands=OPERATOR_COMMANDS)


def run() -> None:
    serve_or_run_command(SPEC, InsightsSettings, OPERATOR_COMMANDS)
