"""Wires insights: facts from every topic, and the forecast, staffing, risk, scorecard and
report APIs and workers on top of them.

`python -m ticketflow_insights` serves; `python -m ticketflow_insights issue-token --agent <id>`
prints a viewer token for an agent (or lead) and exits."""

import argparse
from typing import Any
from uuid import UUID

from ticketflow_common.clock import system_clock
from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_insights.api import scorecards, targets
from ticketflow_insights.api.authentication import VIEWER_TOKEN, authenticate
from ticketflow_insights.api.reports import router as reports_router
from ticketflow_insights.api.staffing import router as staffing_router
from ticketflow_insights.commands.authentication import issue_viewer_token
from ticketflow_insights.messaging.events import event_table
from ticketflow_insights.settings import InsightsSettings
from ticketflow_insights.workers.gauges import run_gauges
from ticketflow_insights.workers.reports import run_reports
from ticketflow_insights.workers.staffing import run_staffing

NAME = "insights"

SPEC: ServiceSpec[InsightsSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Insights API",
    routers=[scorecards.router, targets.router, reports_router, staffing_router],
    events=event_table,
    auth=authenticate,
    auth_scheme=VIEWER_TOKEN,
    loops=[run_gauges, run_reports, run_staffing],
)


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
    add_issue_token(commands)
    return parser


def run() -> None:
    args = arguments().parse_args()
    settings = InsightsSettings()
    if args.command == "issue-token":
        run_issue_token(settings, args)
        return
    run_service(SPEC, settings)
