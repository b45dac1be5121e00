"""Wires knowledge: articles, problems and known errors, solutions learned from ticket events,
and the suggestions made from them.

`python -m ticketflow_knowledge` serves. Operator commands, each of which exits when done:
`issue-token --role agent|requester --subject <id>` prints an access token."""

import argparse

from ticketflow_common.access_tokens import add_issue_token, print_issued_token
from ticketflow_common.clock import system_clock
from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_knowledge.api import (
    answer_links,
    articles,
    deflection,
    problems,
    solutions,
    suggestions,
)
from ticketflow_knowledge.api.authentication import ACCESS_TOKEN, authenticate
from ticketflow_knowledge.api.deps import install_term_counts
from ticketflow_knowledge.domain.access import ACCESS_AUDIENCE
from ticketflow_knowledge.messaging.events import event_table
from ticketflow_knowledge.settings import KnowledgeSettings
from ticketflow_knowledge.workers.gauges import run_gauges
from ticketflow_knowledge.workers.ranking_stats import run_ranking_stats

NAME = "knowledge"

SPEC: ServiceSpec[KnowledgeSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Knowledge API",
    routers=[
        articles.router,
        problems.router,
        solutions.router,
        suggestions.router,
        answer_links.router,
        deflection.router,
    ],
    events=event_table,
    auth=authenticate,
    auth_scheme=ACCESS_TOKEN,
    loops=[run_gauges, run_ranking_stats],
    setup_app=install_term_counts,
)


def run_issue_token(settings: KnowledgeSettings, args: argparse.Namespace) -> None:
    print_issued_token(
        args,
        audience=ACCESS_AUDIENCE,
        access_secret=settings.access_token_secret,
        variable="KNOWLEDGE_ACCESS_TOKEN_SECRET",
        now=system_clock(),
    )


OPERATOR_COMMANDS = {
    "issue-token": (add_issue_token, run_issue_token),
}


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ticketflow_knowledge",
        description="Serve knowledge; or, with a command, run an operator command and exit.",
    )
    commands = parser.add_subparsers(dest="command")
    for add, _ in OPERATOR_COMMANDS.values():
        add(commands)
    return parser


def run() -> None:
    args = arguments().parse_args()
    settings = KnowledgeSettings()
    if args.command in OPERATOR_COMMANDS:
        OPERATOR_COMMANDS[args.command][1](settings, args)
        return
    run_service(SPEC, settings)
