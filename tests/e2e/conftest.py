"""The four services as separate processes on a fresh database and topics, and a receiver."""

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.conftest import fresh_database
from tests.infra import Infra
from tests.processes import free_port
from tests.running_system import SERVICES, System, running_system, serving


@pytest.fixture(scope="module")
def system_env() -> dict[str, str]:
    """Extra environment for the four services; a test module overrides it to add settings."""
    return {}


@pytest.fixture(scope="module")
async def system(
    infra: Infra,
    kafka_bootstrap: str,
    tmp_path_factory: pytest.TempPathFactory,
    system_env: dict[str, str],
) -> AsyncIterator[System]:
    """Each test module gets its own system: database, topics and four processes."""
    async with (
        fresh_database(infra) as database_url,
        running_system(
            database_url=database_url,
            kafka_bootstrap=kafka_bootstrap,
            logs=tmp_path_factory.mktemp("service-logs"),
            extra_env=system_env,
        ) as system,
    ):
        yield system
    assert system.exit_codes == {s: [0] for s in SERVICES}, (
        f"graceful SIGTERM exit codes: {system.exit_codes}"
    )


@dataclass
class ReceivedRequest:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class WebhookReceiver:
    """Records every request; answers 503 to the first attempt of chosen event types, or to
    every request when `fail_always` (an endpoint that is down)."""

    port: int
    fail_first_of: set[str] = field(default_factory=set)
    fail_always: bool = False
    received: list[ReceivedRequest] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def delivered_event_ids(self) -> set[str]:
        """The ids of the events this receiver accepted (answered 204) at least once."""
        return {json.loads(r.body)["id"] for r in self.received if r.answered == 204}

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        event_type = headers.get("ticketflow-event-type", "")
        delivery = headers.get("ticketflow-delivery-id")
        seen_before = any(
            r.headers.get("ticketflow-delivery-id") == delivery for r in self.received
        )
        failing = self.fail_always or (event_type in self.fail_first_of and not seen_before)
        status = 503 if failing else 204
        self.received.append(ReceivedRequest(headers, body, status))
        return Response(status_code=status)


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with listening(
        WebhookReceiver(port=free_port(), fail_first_of={"ticket.assigned"})
    ) as hooks:
        yield hooks


@contextlib.asynccontextmanager
async def listening(hooks: WebhookReceiver) -> AsyncIterator[WebhookReceiver]:
    """`hooks` listening on 127.0.0.1 for the duration of the block."""
    app = Starlette(routes=[Route("/hooks", hooks.handle, methods=["POST"])])
    async with serving(app, hooks.port):
        yield hooks
