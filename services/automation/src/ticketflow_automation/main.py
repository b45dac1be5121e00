"""Wires automation: the rules and macros APIs, the event table that evaluates triggers and
plans time-based rules, and the worker that fires rule timers when they fall due."""

from ticketflow_automation.api import dry_run, firings, macros, rules
from ticketflow_automation.messaging.events import event_table
from ticketflow_automation.settings import AutomationSettings
from ticketflow_automation.workers.gauges import run_gauges
from ticketflow_automation.workers.history import run_history_pruning
from ticketflow_automation.workers.timers import run_timers
from ticketflow_common.audit_command import verify_audit_command
from ticketflow_common.migrate_command import migrate_command
from ticketflow_common.operator_commands import OperatorCommand, serve_or_run_command
from ticketflow_common.service_main import ServiceSpec

NAME = "automation"

SPEC: ServiceSpec[AutomationSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Automation API",
    routers=[dry_run.router, rules.router, firings.router, macros.router],
    events=event_table,
    loops=[run_timers, run_gauges, run_history_pruning],
)

OPERATOR_COMMANDS: dict[str, OperatorCommand[AutomationSettings]] = {
    "verify-audit": verify_audit_command(NAME),
    "migrate": migrate_command(NAME),
}


def run() -> None:
    serve_or_run_command(SPEC, AutomationSettings, OPERATOR_COMMANDS)
