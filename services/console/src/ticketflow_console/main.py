"""Wires the console: sign-in, the live queue and ticket pages over the other services' APIs,
the consumer that feeds live streams, and the static files (htmx) served without a session."""

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from ticketflow_common.migrate_command import migrate_command
from ticketflow_common.operator_commands import OperatorCommand, serve_or_run_command
from ticketflow_common.service_main import ServiceSpec
from ticketflow_console.adapters.services import Services, UpstreamDown
from ticketflow_console.api import admin, lead, queue, sign_in, tickets
from ticketflow_console.api.rendering import STATIC, service_down
from ticketflow_console.api.session_auth import SignInRequired, signed_in, to_sign_in
from ticketflow_console.messaging.events import event_table
from ticketflow_console.settings import ConsoleSettings
from ticketflow_console.workers.sessions import run_live_streams, run_session_pruning

NAME = "console"
STATIC_PATHS = tuple(f"/static/{f.name}" for f in sorted(STATIC.iterdir()) if f.is_file())


def setup_app(app: FastAPI) -> None:
    app.state.services = Services(app.state.runtime.settings)
    app.add_exception_handler(SignInRequired, to_sign_in)
    app.add_exception_handler(UpstreamDown, service_down)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


SPEC: ServiceSpec[ConsoleSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Console",
    description="Server-rendered pages for agents over the services' APIs (docs/console.md).",
    routers=[sign_in.router, queue.router, tickets.router, lead.router, admin.router],
    events=event_table,
    loops=[run_session_pruning, run_live_streams],
    auth=signed_in,
    setup_app=setup_app,
    open_paths=(sign_in.SIGN_IN_PATH, *STATIC_PATHS),
)

OPERATOR_COMMANDS: dict[str, OperatorCommand[ConsoleSettings]] = {
    "migrate": migrate_command(NAME),
}


def run() -> None:
    serve_or_run_command(SPEC, ConsoleSettings, OPERATOR_COMMANDS)
