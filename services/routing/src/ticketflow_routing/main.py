"""Wires routing: people and ticket APIs, ticket events, and the background workers."""

from ticketflow_common.audit_command import verify_audit_command
from ticketflow_common.migrate_command import migrate_command
from ticketflow_common.operator_commands import OperatorCommand, serve_or_run_command
from ticketflow_common.service_main import ServiceSpec
from ticketflow_routing.api.agents import router as agents_router
from ticketflow_routing.api.teams import router as teams_router
from ticketflow_routing.api.tickets import router as tickets_router
from ticketflow_routing.messaging.events import event_table
from ticketflow_routing.settings import RoutingSettings
from ticketflow_routing.workers.gauges import run_gauges
from ticketflow_routing.workers.pickups import run_pickup_deadlines
from ticketflow_routing.workers.queue_sweep import run_queue_sweep
from ticketflow_routing.workers.shifts import run_shift_changes

SPEC = ServiceSpec[RoutingSettings](
    name="routing",
    title="Ticketflow Routing API",
    routers=[agents_router, teams_router, tickets_router],
    events=event_table,
    loops=[run_pickup_deadlines, run_shift_changes, run_queue_sweep, run_gauges],
)


OPERATOR_COMMANDS: dict[str, OperatorCommand[RoutingSettings]] = {
    "verify-audit": verify_audit_command(SPEC.name),
    "migrate": migrate_command(SPEC.name),
}


def run() -> None:
    serve_or_run_command(SPEC, RoutingSettings, OPERATOR_COMMANDS)
