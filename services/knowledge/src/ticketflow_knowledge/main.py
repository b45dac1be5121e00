"""Wires knowledge: articles, problems and known errors, solutions learned from ticket events,
and the suggestions made from them.

`python -m ticketflow_knowledge` serves. Operator commands, each of which exits when done:
`issue-token --role agent|requester --subject <id>` prints an access token."""

import argparse

from ticketflow_common.access_tokens import add_issue_token, print_issued_token
from ticketflow_common.audit_command import verify_audit_command
from ticketflow_common.clock import system_clock
from ticketflow_common.migrate_command import migrate_command
from ticketflow_common.operator_commands import (
    OperatorCommand,
    operator_parser,
    serve_or_run_command,
)
from ticketflow_common.service_main import ServiceSpec
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


OPERATOR_COMMANDS: dict[str, OperatorCommand[KnowledgeSettings]] = {
    "issue-token": (add_issue_token, run_issue_token),
    "verify-audit": verify_audit_command(NAME),
    "migrate": migrate_command(NAME),
}


def arguments() -> argparse.ArgumentParser:
    return operator_parser(service=NAME, commands=OPERATOR_COMMANDS)


def run() -> None:
    serve_or_run_command(SPEC, KnowledgeSettings, OPERATOR_COMMANDS)
