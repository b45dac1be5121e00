"""One trace follows a ticket from the intake request through routing, sla and notify; the breach
that fires later is a trace of its own linked to it."""

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.otlp_collector import ReceivedSpan, TraceCollector
from tests.polling import eventually
from tests.processes import free_port
from tests.running_system import System, serving
from tests.support.webhooks import Receiver

pytestmark = pytest.mark.e2e
CLIENT = 3  # OTLP's SPAN_KIND_CLIENT


@pytest.fixture(scope="module")
async def collector() -> AsyncIterator[tuple[TraceCollector, int]]:
    spans, port = TraceCollector(), free_port()
    async with serving(spans.app(), port):
        yield spans, port


@pytest.fixture(scope="module")
def system_env(collector: tuple[TraceCollector, int]) -> dict[str, str]:
    """Services export spans over OTLP/HTTP to the in-test collector, promptly."""
    return {
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{collector[1]}",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }


async def test_one_trace_from_request_to_webhook(
    system: System, receiver: Receiver, collector: tuple[TraceCollector, int]
) -> None:
    spans, _ = collector
    trace_id, client_span = secrets.token_hex(16), secrets.token_hex(8)
    async with httpx.AsyncClient(timeout=10) as http:
        await http.put(
            f"{system.url('sla')}/policies/urgent",
            json={"position": 10, "priority": "urgent", "first_response_seconds": 1},
            headers=system.auth("sla"),
        )
        await http.post(
            f"{system.url('routing')}/agents",
            json={"name": "Ada", "team": "net", "skills": ["trace"], "capacity": 3},
            headers=system.auth("routing"),
        )
        await http.post(
            f"{system.url('notify')}/endpoints",
            json={"url": receiver.url()},
            headers=system.auth("notify"),
        )
        filed = await http.post(
            f"{system.url('intake')}/tickets",
            json={
                "subject": "Trace me",
                "requester": {"id": "u-1"},
                "priority": "urgent",
                "required_skills": ["trace"],
            },
            headers={**system.auth("intake"), "traceparent": f"00-{trace_id}-{client_span}-01"},
        )
        assert filed.status_code == 201

    tickets, routing, sla_events = (
        system.names.physical(t)
        for t in ("tickets.events.v1", "routing.events.v1", "sla.events.v1")
    )
    wanted = {
        ("intake", "POST /tickets"),
        ("routing", f"process {tickets}"),
        ("sla", f"process {tickets}"),
        ("notify", f"process {routing}"),
        ("notify", "notify deliver ticket.assigned"),
    }

    async def complete_trace() -> list[ReceivedSpan]:
        """The wanted spans, and every parent of a span received: a span is exported when it
        ends, so a delivery's queries arrive before the delivery span holding them."""
        found = spans.trace(trace_id)
        ids = {s.span_id for s in found} | {client_span}
        whole = all(s.parent_span_id in ids for s in found)
        return found if whole and wanted <= {(s.service, s.name) for s in found} else []

    trace = await eventually(
        complete_trace, what="spans of all four services, each with its parent", within=30
    )
    by_id = {s.span_id: s for s in trace}
    orphans = [s for s in trace if s.parent_span_id not in by_id]
    assert [(s.service, s.name, s.parent_span_id) for s in orphans] == [
        ("intake", "POST /tickets", client_span)
    ], "every span hangs off the client's request"

    def parent(service: str, name: str) -> ReceivedSpan:
        span = next(s for s in trace if (s.service, s.name) == (service, name))
        assert span.parent_span_id is not None
        return by_id[span.parent_span_id]

    assert parent("routing", f"process {tickets}").name == "POST /tickets"
    assert parent("sla", f"process {tickets}").name == "POST /tickets"
    assert parent("notify", f"process {routing}").service == "routing"
    assert parent("notify", "notify deliver ticket.assigned").name == f"process {routing}"
    assert any(s.kind == CLIENT and s.service == "notify" for s in trace), "the webhook call"
    assert any(s.kind == CLIENT and s.service == "routing" for s in trace), "its queries"

    # The breach fires a second after the clock started: work done later than its cause is a
    # trace of its own, linked to the span that started the clock, and notify follows it there.
    sla_started = next(s for s in trace if (s.service, s.name) == ("sla", f"process {tickets}"))

    async def breach_trace() -> list[ReceivedSpan]:
        fired = [s for s in spans.linked_to(trace_id) if s.name == "sla fire breach timer"]
        found = spans.trace(fired[0].trace_id) if fired else []
        names = {(s.service, s.name) for s in found}
        told = {("notify", f"process {sla_events}"), ("notify", "notify deliver sla.breached")}
        return found if told <= names else []

    breach = await eventually(breach_trace, what="the breach's own trace", within=30)
    fired = next(s for s in breach if s.name == "sla fire breach timer")
    assert fired.parent_span_id is None
    assert fired.links == ((trace_id, sla_started.span_id),)
