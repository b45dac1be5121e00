"""A batch's consecutive events of one set-based command reach it in one call, with the effect
one call per event would have had; other events, and duplicates, break nothing."""

import contextlib
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from opentelemetry import trace

from tests.integration.conftest import Schema
from tests.support.events import ticket_created
from tests.support.harness import fetched
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.event_table import SetBasedCommand, handlers_for
from ticketflow_common.events import EVENT_MODELS, TicketAssigned, TicketCreated, TicketQueued
from ticketflow_common.inbox import ParsedEvent, apply_together, in_its_span
from ticketflow_common.tracing import context_from_carrier, current_trace_carrier

pytestmark = pytest.mark.integration

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


class Calls:
    """What each command was given, in order: ("each", n) or ("together", n)."""

    def __init__(self) -> None:
        self.made: list[tuple[str, int]] = []

    async def each(
        self, *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> None:
        self.made.append(("each", 1))
        await _record(conn, [envelope])

    async def together(
        self, *, conn: asyncpg.Connection, events: Sequence[tuple[Envelope, Any]], now: datetime
    ) -> None:
        self.made.append(("together", len(events)))
        await _record(conn, [e for e, _ in events])


async def _record(conn: asyncpg.Connection, envelopes: list[Envelope]) -> None:
    await conn.execute(
        "INSERT INTO effects (event_id, ticket_id, subject)"
        " SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])",
        [e.id for e in envelopes],
        [uuid.UUID(e.subject) for e in envelopes],
        [e.type for e in envelopes],
    )


def queued() -> Envelope:
    ticket_id = uuid.uuid4()
    data = TicketQueued(ticket_id=ticket_id, required_skills=[], reason="none", queued_at=NOW)
    return new_event(data, source="/tests", subject=str(ticket_id), time=NOW)


def parsed(envelopes: list[Envelope], handlers: dict[str, Any]) -> list[ParsedEvent]:
    return [fetched(e, e.payload(EVENT_MODELS[e.type]), handlers[e.type]) for e in envelopes]


async def effects(pool: asyncpg.Pool) -> list[uuid.UUID]:
    async with pool.acquire() as conn:
        return [r["event_id"] for r in await conn.fetch("SELECT event_id FROM effects")]


async def test_a_run_of_one_set_based_command_is_one_call_and_others_break_the_run(
    schema: Schema,
) -> None:
    set_based, plain = Calls(), Calls()
    handlers = handlers_for(
        {
            TicketCreated: SetBasedCommand(each=set_based.each, together=set_based.together),
            TicketAssigned: SetBasedCommand(each=set_based.each, together=set_based.together),
            TicketQueued: plain.each,
        },
        clock=lambda: NOW,
    )
    before = ticket_created()
    await apply_together(
        pool=schema.pool,
        events=parsed([before], handlers),
        span_for=lambda e: contextlib.nullcontext(),
    )
    set_based.made.clear()
    a, b, c, q, d = ticket_created(), ticket_created(), ticket_created(), queued(), ticket_created()
    # `before` was processed earlier, `b` comes twice: neither has a second effect nor breaks
    # the run of a, b, c.
    batch = [a, before, b, b, c, q, d]
    applied = await apply_together(
        pool=schema.pool,
        events=parsed(batch, handlers),
        span_for=lambda e: contextlib.nullcontext(),
    )
    assert set_based.made == [("together", 3), ("each", 1)]
    assert plain.made == [("each", 1)]
    assert sorted(str(e) for e in await effects(schema.pool)) == sorted(
        str(e.id) for e in [before, a, b, c, q, d]
    )
    outcomes = {(x.event.envelope.id, x.outcome) for x in applied}
    assert (before.id, "duplicate") in outcomes
    assert (b.id, "duplicate") in outcomes
    assert {i for i, o in outcomes if o == "processed"} == {a.id, b.id, c.id, q.id, d.id}


async def test_a_failing_set_based_call_stores_nothing_of_the_batch(schema: Schema) -> None:
    async def fails(
        *, conn: asyncpg.Connection, events: Sequence[tuple[Envelope, Any]], now: datetime
    ) -> None:
        await _record(conn, [e for e, _ in events])
        raise ValueError("refused")

    calls = Calls()
    handlers = handlers_for(
        {TicketCreated: SetBasedCommand(each=calls.each, together=fails)}, clock=lambda: NOW
    )
    batch = [ticket_created(), ticket_created()]
    with pytest.raises(ValueError, match="refused"):
        await apply_together(
            pool=schema.pool,
            events=parsed(batch, handlers),
            span_for=lambda e: contextlib.nullcontext(),
        )
    assert await effects(schema.pool) == []
    async with schema.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM processed_events") == 0


async def test_each_event_of_a_set_based_call_continues_its_own_senders_trace(
    schema: Schema,
) -> None:
    seen: dict[uuid.UUID, str] = {}

    async def together(
        *, conn: asyncpg.Connection, events: Sequence[tuple[Envelope, Any]], now: datetime
    ) -> None:
        for envelope, _ in events:
            with in_its_span(envelope):
                seen[envelope.id] = current_trace_carrier()["traceparent"].split("-")[1]

    calls = Calls()
    handlers = handlers_for(
        {TicketCreated: SetBasedCommand(each=calls.each, together=together)}, clock=lambda: NOW
    )
    batch = [ticket_created() for _ in range(3)]
    senders = {e.id: uuid.uuid4().hex for e in batch}
    tracer = trace.get_tracer(__name__)

    def span_for(event: ParsedEvent) -> AbstractContextManager[trace.Span]:
        parent = f"00-{senders[event.envelope.id]}-{uuid.uuid4().hex[:16]}-01"
        return tracer.start_as_current_span(
            "process", context=context_from_carrier({"traceparent": parent})
        )

    await apply_together(pool=schema.pool, events=parsed(batch, handlers), span_for=span_for)
    assert seen == senders
