"""The `ticketflow` command: one typer app with a group per area; failures exit non-zero."""

import logging
import sys

import typer

from ticketflow_cli import render
from ticketflow_cli.commands import (
    dead_letter_queue,
    deliveries,
    demo,
    knowledge,
    reports,
    scorecards,
    tickets,
)
from ticketflow_cli.commands.follow import follow
from ticketflow_cli.commands.forecasts import register as register_forecasts
from ticketflow_cli.commands.staffing import staffing, staffing_gaps
from ticketflow_cli.commands.ticket_state import routing_app, sla_app
from ticketflow_cli.failures import CommandFailed

HELP = (
    "Operate and integrate with Ticketflow: tickets, live topics, SLA clocks, routing "
    "decisions, dead letters, webhook deliveries, knowledge suggestions and demo data.\n\n"
    "Configuration comes from the environment, then from .local/env and .local/api-tokens.env "
    "in the working directory (what `make run` writes): TICKETFLOW_INTAKE_URL "
    "(http://127.0.0.1:8001), TICKETFLOW_ROUTING_URL (:8002), TICKETFLOW_SLA_URL (:8003), "
    "TICKETFLOW_NOTIFY_URL (:8004), TICKETFLOW_INSIGHTS_URL (:8005), TICKETFLOW_KNOWLEDGE_URL "
    "(:8006), TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS (127.0.0.1:29092), TICKETFLOW_TOPIC_PREFIX "
    "and TICKETFLOW_HTTP_TIMEOUT_SECONDS (10).\n\n"
    "One credential for every service: TICKETFLOW_API_KEY (an identity API key, tfid_...; "
    "`make run` writes an admin's), exchanged at TICKETFLOW_IDENTITY_URL "
    "(http://127.0.0.1:8008) for an access token kept under TICKETFLOW_TOKEN_CACHE_DIR "
    "(~/.cache/ticketflow; empty: in memory only) until a minute before it expires. Without "
    "it, each service's own INTAKE_API_TOKEN, ROUTING_API_TOKEN, SLA_API_TOKEN, "
    "NOTIFY_API_TOKEN, INSIGHTS_API_TOKEN or KNOWLEDGE_API_TOKEN (a service run on its "
    "own).\n\n"
    "Exit codes: 0 done, 1 the service refused, 2 usage or configuration, 3 a service or "
    "Kafka did not answer, 4 not found, 5 token refused (401/403)."
)


app = typer.Typer(
    name="ticketflow",
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(tickets.app, name="tickets")
app.command(help="Follow the event topics live, pretty-printed (no consumer group).")(follow)
app.add_typer(sla_app, name="sla")
app.add_typer(routing_app, name="routing")
app.add_typer(dead_letter_queue.app, name="dlq")
app.add_typer(deliveries.app, name="deliveries")
app.add_typer(demo.app, name="demo")
app.add_typer(scorecards.app, name="scorecard")
app.add_typer(reports.app, name="reports")
app.add_typer(knowledge.app, name="knowledge")
register_forecasts(app)
app.command(help="Required vs scheduled agents per interval of a team (insights).")(staffing)
app.command("staffing-gaps", help="Understaffed windows coming up (insights).")(staffing_gaps)


def main() -> None:
    """The console script: a `CommandFailed` becomes `error: ...` on stderr and its exit code."""
    # aiokafka logs each failed connection attempt; the error that matters is raised and shown.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        app()
    except CommandFailed as failure:
        render.err.print(f"error: {failure.message}", markup=False, soft_wrap=True)
        sys.exit(int(failure.code))
