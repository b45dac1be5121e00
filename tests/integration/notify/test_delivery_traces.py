"""A delivery's first attempt continues the trace of the event it tells about; a retry is a trace
of its own linked to that event's span. Each attempt's HTTP call is a client span under it."""

import asyncio
import uuid

import asyncpg
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from pydantic import AnyHttpUrl

from tests.integration.notify.conftest import T0, FakeClock, Receiver, build_dispatcher, fan_out
from tests.integration.notify.events import breached
from tests.polling import eventually
from tests.support.spans import named, recorded_spans, trace_id
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.store.endpoints import insert_endpoint

pytestmark = pytest.mark.integration


async def test_a_retry_links_to_the_event_and_the_first_attempt_is_its_child(
    notify_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    spans = recorded_spans()
    receiver.answer = lambda _r: 500
    async with notify_pool.acquire() as conn:
        await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl(receiver.url())),
            secret="whsec_delivery-traces-secret",
        )
    with trace.get_tracer(__name__).start_as_current_span("process sla.events.v1") as cause:
        await fan_out(notify_pool, breached(uuid.uuid4()))
    told = cause.get_span_context()
    stop = asyncio.Event()

    async def two_attempts() -> list[ReadableSpan]:
        return named(spans, "notify deliver sla.breached")[1:]

    async with new_session() as http:
        dispatcher = build_dispatcher(notify_pool, http, clock=FakeClock(T0), schedule=[0, 5])
        running = asyncio.create_task(dispatcher.run(stop, max_idle_seconds=0.05))
        try:
            await eventually(two_attempts, what="a first attempt and its retry")
        finally:
            stop.set()
            await running

    first, retry = named(spans, "notify deliver sla.breached")[:2]
    assert first.parent is not None
    assert first.parent.span_id == told.span_id
    assert trace_id(first) == told.trace_id
    assert retry.parent is None
    assert trace_id(retry) != told.trace_id
    assert [(link.context.trace_id, link.context.span_id) for link in retry.links] == [
        (told.trace_id, told.span_id)
    ]
    calls = [s for s in spans.get_finished_spans() if s.name == "POST"]
    assert {c.parent.span_id for c in calls if c.parent} >= {
        first.context.span_id,
        retry.context.span_id,
    }, "each attempt's HTTP call is its child"
