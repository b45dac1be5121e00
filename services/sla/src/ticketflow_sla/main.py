"""Wires SLA: policy, calendar and clock APIs, the clock lifecycle from events, the timers."""

from ticketflow_common.audit_command import verify_audit_command
from ticketflow_common.migrate_command import migrate_command
from ticketflow_common.operator_commands import OperatorCommand, serve_or_run_command
from ticketflow_common.service_main import ServiceSpec
from ticketflow_sla.api.calendars import router as calendars_router
from ticketflow_sla.api.clocks import router as clocks_router
from ticketflow_sla.api.policies import router as policies_router
from ticketflow_sla.messaging.events import event_table
from ticketflow_sla.settings import SlaSettings
from ticketflow_sla.workers.gauges import run_gauges
from ticketflow_sla.workers.timers import run_timers

SPEC: ServiceSpec[SlaSettings] = ServiceSpec(
    name="sla",
    title="Ticketflow SLA API",
    routers=[policies_router, calendars_router, clocks_router],
    events=event_table,
    loops=[run_timers, run_gauges],
)


OPERATOR_COMMANDS: dict[str, OperatorCommand[SlaSettings]] = {
    "verify-audit": verify_audit_command(SPEC.name),
    "migrate": migrate_command(SPEC.name),
}


def run() -> None:
    serve_or_run_command(SPEC, SlaSettings, OPERATOR_COMMANDS)
