"""The one webhook receiver of the suite: records every request, answers as the test says."""

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.polling import eventually
from tests.processes import free_port

DELIVERY_ID = "ticketflow-delivery-id"
EVENT_TYPE = "ticketflow-event-type"


@dataclass
class Received:
    """One request; headers lower-cased. `attempt` counts the requests for its delivery id
    up to and including this one; `answered` is the status it got."""

    path: str
    headers: dict[str, str]
    body: bytes
    query: str = ""
    attempt: int = 1
    answered: int = 0

    @property
    def delivery_id(self) -> str:
        return self.headers.get(DELIVERY_ID, "")

    @property
    def event_type(self) -> str:
        return self.headers.get(EVENT_TYPE, "")


Answer = Callable[[Received], int]


def always(status: int) -> Answer:
    return lambda _r: status


def failing_first_attempt_of(event_types: set[str], *, status: int = 503) -> Answer:
    """`status` to the first attempt of each delivery of these event types, 204 otherwise."""
    return lambda r: status if r.event_type in event_types and r.attempt == 1 else 204


@dataclass
class Receiver:
    """Counts every request per delivery id and the most requests in flight per path."""

    port: int = field(default_factory=free_port)
    answer: Answer = field(default=always(204))
    latency: float = 0.0
    received: list[Received] = field(default_factory=list)
    in_flight: Counter[str] = field(default_factory=Counter)
    max_in_flight: Counter[str] = field(default_factory=Counter)

    def url(self, path: str = "hooks") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def per_delivery(self) -> Counter[str]:
        return Counter(r.delivery_id for r in self.received)

    def answered(self) -> list[tuple[str, int]]:
        """(delivery id, status answered) of every request, in arrival order."""
        return [(r.delivery_id, r.answered) for r in self.received]

    def delivered_event_ids(self) -> set[str]:
        """The ids of the events accepted (answered 2xx) at least once."""
        return {json.loads(r.body)["id"] for r in self.received if 200 <= r.answered < 300}

    async def handle(self, request: Request) -> Response:
        path = request.url.path.strip("/")
        self.in_flight[path] += 1
        self.max_in_flight[path] = max(self.max_in_flight[path], self.in_flight[path])
        try:
            headers = {k.lower(): v for k, v in request.headers.items()}
            delivery = headers.get(DELIVERY_ID, "")
            got = Received(
                path,
                headers,
                await request.body(),
                request.url.query,
                attempt=1 + sum(1 for r in self.received if r.delivery_id == delivery),
            )
            if self.latency:
                # Not synchronisation: the receiver under test is a slow server, so that
                # concurrent deliveries overlap (in-flight limits are measured, not waited on).
                await asyncio.sleep(self.latency)
            got.answered = self.answer(got)
            self.received.append(got)
            return Response(status_code=got.answered)
        finally:
            self.in_flight[path] -= 1

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self.handle, methods=["POST"])])

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator["Receiver"]:
        """Listening on 127.0.0.1:`port` in this event loop for the duration of the block."""
        server = uvicorn.Server(
            uvicorn.Config(self.app(), host="127.0.0.1", port=self.port, log_level="warning")
        )
        task = asyncio.create_task(server.serve())

        async def started() -> bool:
            return bool(server.started)

        try:
            await eventually(started, what="the webhook receiver to listen", within=10)
            yield self
        finally:
            server.should_exit = True
            await task
