"""A breach fired by a timer, minutes or days after the event that started its clock, is a trace
of its own linked to that event's trace; the breach event carries the new trace on."""

from opentelemetry import trace

from tests.integration.sla.conftest import SlaHarness
from tests.support.spans import named, recorded_spans, trace_id
from ticketflow_common.tracing import trace_id_of
from ticketflow_sla.commands.timers import fire_due_timers


async def test_a_timer_fired_breach_links_to_the_event_that_started_the_clock(
    sla: SlaHarness,
) -> None:
    spans = recorded_spans()
    created = sla.created(priority="urgent")
    with trace.get_tracer(__name__).start_as_current_span("process tickets.events.v1") as cause:
        await sla.deliver(created)
    started = cause.get_span_context()

    sla.clock.advance(601)
    async with sla.pool.acquire() as conn:
        assert await fire_due_timers(conn=conn, now=sla.clock(), limit=1000) > 0

    [breach] = named(spans, "sla fire breach timer")
    assert trace_id(breach) != started.trace_id, "a trace of its own"
    assert breach.parent is None
    assert [(link.context.trace_id, link.context.span_id) for link in breach.links] == [
        (started.trace_id, started.span_id)
    ], "linked to the span that started the clock"
    async with sla.pool.acquire() as conn:
        headers = await conn.fetchval(
            "SELECT headers FROM outbox WHERE event_type = 'sla.breached' AND key = $1",
            str(created.ticket_id),
        )
    assert trace_id_of(headers) == f"{trace_id(breach):032x}", "the breach event carries it on"
