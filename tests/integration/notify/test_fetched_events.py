"""A fetch's events are kept in the events API's log in one statement, then each fanned out
with the ticket as the events before it in the fetch left it, and each delivery continuing
the trace of the event it tells about: what one event at a time would have done."""

import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import asyncpg
import pytest
from opentelemetry import trace

from tests.integration.notify.conftest import NotifyHarness
from tests.integration.notify.events import assigned, breached, created
from tests.integration.notify.test_email_and_noise import subscribe
from tests.support.harness import fetched
from tests.support.spans import recorded_spans
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.inbox import ParsedEvent, SetHandler, apply_together
from ticketflow_common.tracing import context_from_carrier

pytestmark = pytest.mark.integration


def sender_carrier() -> dict[str, str]:
    """A sender's trace context as its Kafka headers carry it: a trace of its own."""
    return {"traceparent": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"}


def trace_of(carrier: dict[str, str]) -> str:
    return carrier["traceparent"].split("-")[1]


async def apply_fetch(
    notify: NotifyHarness, envelopes: Sequence[Envelope], carriers: dict[uuid.UUID, Any]
) -> None:
    """Apply `envelopes` as the consumer applies one fetch, each in a span continuing the
    trace its sender's headers name."""
    tracer = trace.get_tracer(__name__)
    parsed = [
        fetched(e, e.payload(EVENT_MODELS[e.type]), notify.handlers[e.type]) for e in envelopes
    ]

    def span_for(event: ParsedEvent) -> AbstractContextManager[trace.Span]:
        parent = context_from_carrier(carriers[event.envelope.id])
        return tracer.start_as_current_span("process", context=parent)

    await apply_together(pool=notify.pool, events=parsed, span_for=span_for)


async def logged(pool: asyncpg.Pool) -> list[uuid.UUID]:
    rows = await pool.fetch("SELECT event_id FROM event_log ORDER BY tx, seq")
    return [r["event_id"] for r in rows]


async def test_a_fetch_is_logged_once_in_order_and_fanned_out_event_by_event(
    notify: NotifyHarness,
) -> None:
    recorded_spans()
    for role in ("requester", "assignee"):
        target = {"kind": "role", "role": role}
        await subscribe(notify.pool, event_types=["sla.breached"], target=target)
    a, b, earlier = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    before = created(earlier, requester_email="early@example.com")
    await notify.deliver(before)
    a_assigned = assigned(a, agent_email="grace@example.com")
    fetch = [
        created(a, requester_email="ada@example.com"),
        a_assigned,
        before,  # applied before this fetch: neither logged again nor breaking the run
        breached(a),
        created(b, requester_email="bob@example.com"),
        a_assigned,  # twice in the fetch
        breached(b),
        breached(earlier),
    ]
    carriers = {e.id: sender_carrier() for e in fetch}
    # Every event type of the fetch has one set-based handler: the fetch is one run.
    assert len({id(notify.handlers[e.type]) for e in fetch}) == 1
    assert isinstance(notify.handlers[fetch[0].type], SetHandler)

    await apply_fetch(notify, fetch, carriers)

    in_fetch = dict.fromkeys(e.id for e in fetch if e is not before)
    assert await logged(notify.pool) == [before.id, *in_fetch]
    rows = await notify.pool.fetch(
        "SELECT event_id, target, trace_carrier FROM deliveries ORDER BY created_at, target"
    )
    targets = {(r["event_id"], r["target"]) for r in rows}
    assert targets == {
        (fetch[3].id, "email:ada@example.com"),  # the requester the fetch's created set
        (fetch[3].id, "email:grace@example.com"),  # the owner the fetch's assignment set
        (fetch[6].id, "email:bob@example.com"),  # b has no owner: no assignee mail
        (fetch[7].id, "email:early@example.com"),
    }
    for row in rows:
        assert trace_of(row["trace_carrier"]) == trace_of(carriers[row["event_id"]])
    owner = await notify.pool.fetchval("SELECT assignee_email FROM tickets WHERE ticket_id = $1", a)
    assert owner == "grace@example.com"
