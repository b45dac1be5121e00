"""Wires insights: facts from every topic, and the forecast, staffing, risk, scorecard and
report APIs and workers on top of them.

`python -m ticketflow_insights` serves; `python -m ticketflow_insights rebuild` empties the
facts, replays the topics from their beginning through the same handlers, prints what it did
and exits; `python -m ticketflow_insights issue-token --agent <id>` prints a viewer token for
an agent (or lead) and exits."""

import argparse
import asyncio
import json
from typing import Any
from uuid import UUID

from ticketflow_common.clock import system_clock
from ticketflow_common.db import create_pool
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_common.topics import TopicNames
from ticketflow_insights.api import facts, scorecards, targets
from ticketflow_insights.api.authentication import VIEWER_TOKEN, authenticate
from ticketflow_insights.commands.authentication import issue_viewer_token
from ticketflow_insights.commands.facts_rebuild import RebuildReport, rebuild_facts
from ticketflow_insights.messaging.events import FACTS_TABLE, event_table
from ticketflow_insights.settings import InsightsSettings
from ticketflow_insights.workers.gauges import run_gauges

NAME = "insights"

SPEC: ServiceSpec[InsightsSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Insights API",
    routers=[
        facts.router,
        scorecards.router,
        targets.router,
    ],
    events=event_table,
    auth=authenticate,
    auth_scheme=VIEWER_TOKEN,
    loops=[run_gauges],
)


async def rebuild(settings: InsightsSettings, *, batch_size: int) -> RebuildReport:
    """Migrate if needed, then rebuild the facts from the topics under the settings' prefix."""
    pool = await create_pool(
        dsn=settings.database_url.get_secret_value(),
        schema=NAME,
        max_size=2,
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
        )
    finally:
        await pool.close()


def add_issue_token(commands: Any) -> None:
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


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ticketflow_insights",
        description="Serve insights; or, with a command, run an operator command and exit.",
    )
    commands = parser.add_subparsers(dest="command")
    rebuilding = commands.add_parser(
        "rebuild", help="empty the facts and replay every consumed topic from its beginning"
    )
    rebuilding.add_argument("--batch-size", type=int, default=2000, help="events per transaction")
    add_issue_token(commands)
    return parser


def run() -> None:
    args = arguments().parse_args()
    settings = InsightsSettings()
    if args.command == "rebuild":
        report = asyncio.run(rebuild(settings, batch_size=max(1, args.batch_size)))
        print(json.dumps(report.as_dict(), indent=2, sort_keys=True))
        return
    if args.command == "issue-token":
        run_issue_token(settings, args)
        return
    run_service(SPEC, settings)
