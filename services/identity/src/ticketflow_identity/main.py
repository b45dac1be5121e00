"""Wires identity: principals and their API keys, the token endpoint that turns an API key or
an OpenID Connect token into a short-lived EdDSA access token, and the key set services verify.

`python -m ticketflow_identity` serves."""

from ticketflow_common.audit_command import verify_audit_command
from ticketflow_common.operator_commands import OperatorCommand, serve_or_run_command
from ticketflow_common.service_main import ServiceSpec
from ticketflow_identity.messaging.events import event_table
from ticketflow_identity.settings import IdentitySettings
from ticketflow_identity.workers.gauges import run_gauges

NAME = "identity"

SPEC: ServiceSpec[IdentitySettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Identity API",
    routers=[],
    events=event_table,
    loops=[run_gauges],
)


OPERATOR_COMMANDS: dict[str, OperatorCommand[IdentitySettings]] = {
    "verify-audit": verify_audit_command(SPEC.name),
}


def run() -> None:
    serve_or_run_command(SPEC, IdentitySettings, OPERATOR_COMMANDS)
