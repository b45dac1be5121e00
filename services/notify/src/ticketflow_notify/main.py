"""Wires notify: the API, fan-out of every event, the dispatcher, digests, statistics and the
events API's log."""

from ticketflow_common.audit_command import verify_audit_command
from ticketflow_common.migrate_command import migrate_command
from ticketflow_common.operator_commands import OperatorCommand, serve_or_run_command
from ticketflow_common.service_main import ServiceSpec
from ticketflow_notify.api.deliveries import router as deliveries_router
from ticketflow_notify.api.endpoints import router as endpoints_router
from ticketflow_notify.api.events import router as events_router
from ticketflow_notify.api.recipients import router as recipients_router
from ticketflow_notify.api.subscriptions import router as subscriptions_router
from ticketflow_notify.api.templates import router as templates_router
from ticketflow_notify.api.webhooks import describe_webhooks
from ticketflow_notify.messaging.events import event_table
from ticketflow_notify.settings import NotifySettings
from ticketflow_notify.workers.digest_closer import run_digest_closer
from ticketflow_notify.workers.dispatcher import run_dispatcher
from ticketflow_notify.workers.event_log_pruning import run_event_log_pruning
from ticketflow_notify.workers.stats import run_stats

SPEC: ServiceSpec[NotifySettings] = ServiceSpec(
    name="notify",
    title="Ticketflow Notify API",
    routers=[
        endpoints_router,
        subscriptions_router,
        deliveries_router,
        templates_router,
        recipients_router,
        events_router,
    ],
    events=event_table,
    loops=[run_dispatcher, run_digest_closer, run_stats, run_event_log_pruning],
    setup_app=describe_webhooks,
)


OPERATOR_COMMANDS: dict[str, OperatorCommand[NotifySettings]] = {
    "verify-audit": verify_audit_command(SPEC.name),
    "migrate": migrate_command(SPEC.name),
}


def run() -> None:
    serve_or_run_command(SPEC, NotifySettings, OPERATOR_COMMANDS)
