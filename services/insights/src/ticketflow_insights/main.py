"""Wires insights: facts from every topic, and the forecast, staffing, risk, scorecard and
report APIs and workers on top of them.

`python -m ticketflow_insights` serves; `python -m ticketflow_insights seed-history --weeks 6
--seed 7` applies weeks of made-up desk history to the facts (for demos) and exits."""

import argparse
import asyncio
import sys

from ticketflow_common.clock import system_clock
from ticketflow_common.db import create_pool
from ticketflow_common.kafka import new_producer
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_common.topics import TopicNames
from ticketflow_insights.api import breach_risk, facts
from ticketflow_insights.commands.seed_history import seed_history
from ticketflow_insights.messaging.events import event_table
from ticketflow_insights.settings import InsightsSettings
from ticketflow_insights.workers.breach_risk import run_breach_risk
from ticketflow_insights.workers.gauges import run_gauges

NAME = "insights"

SPEC: ServiceSpec[InsightsSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Insights API",
    routers=[
        facts.router,
        breach_risk.router,
    ],
    events=event_table,
    loops=[run_gauges, run_breach_risk],
)


def add_seed_history_command(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    seed = commands.add_parser(
        "seed-history",
        help="apply weeks of generated demo history straight to the facts (not to the topics)",
    )
    seed.add_argument("--weeks", type=int, default=6)
    seed.add_argument("--seed", type=int, default=7)
    seed.add_argument("--volume", type=float, default=1.0, help="scales the arrivals")


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


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ticketflow_insights",
        description="Serve insights; or, with a command, run an operator command and exit.",
    )
    commands = parser.add_subparsers(dest="command")
    add_seed_history_command(commands)
    return parser


def run() -> None:
    args = arguments().parse_args(sys.argv[1:])
    settings = InsightsSettings()
    if args.command == "seed-history":
        asyncio.run(seed_demo_history(settings, args))
        return
    run_service(SPEC, settings)
