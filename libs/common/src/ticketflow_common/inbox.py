"""The inbox: an event's effect and its processed-event record commit in one transaction.

Events that arrive together are applied in one transaction with one inbox statement: a
transaction per event costs a BEGIN, a COMMIT (a WAL flush) and an inbox insert each; at a
hundred tickets a second these round trips and flushes were most of what a consumer did. The
batch is all or nothing: when any handler fails, nothing of it is stored and the consumer
applies the same events again one at a time, where retries and dead letters are per event.

A handler with a set-based form (`SetHandler`) gets a run of consecutive events of a batch in
one call, so that what was a statement per event is one statement per run.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
from aiokafka import ConsumerRecord
from opentelemetry import trace

from ticketflow_common.clock import Clock
from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.metrics import PROCESSED_EVENTS_PRUNED
from ticketflow_common.work_loop import on_pool, run_work_loop

Handler = Callable[[asyncpg.Connection, Envelope, Any], Awaitable[None]]
"""What a consumer calls for an event of one type, inside the transaction that records it."""

ManyHandler = Callable[[asyncpg.Connection, Sequence[tuple[Envelope, Any]]], Awaitable[None]]
"""What a consumer calls for consecutive events (envelope, typed payload) of a batch at once."""


@dataclass(frozen=True)
class SetHandler:
    """A handler with a set-based form: `together` has the effect of `each` on every event in
    turn, in fewer statements."""

    each: Handler
    together: ManyHandler

    async def __call__(self, conn: asyncpg.Connection, envelope: Envelope, payload: Any) -> None:
        await self.each(conn, envelope, payload)


@dataclass(frozen=True)
class ParsedEvent:
    """A record its consumer can apply: envelope, typed payload and the handler for its type."""

    record: ConsumerRecord[bytes, bytes]
    envelope: Envelope
    payload: EventData
    handler: Handler


@dataclass(frozen=True)
class Applied:
    """What became of one event of a batch, and how long its handler took."""

    event: ParsedEvent
    outcome: str
    seconds: float


async def apply_together(
    *,
    pool: asyncpg.Pool,
    events: Sequence[ParsedEvent],
    span_for: Callable[[ParsedEvent], AbstractContextManager[Any]],
) -> list[Applied]:
    """Apply `events` in order in one transaction: those processed before (or twice in the
    batch) are "duplicate", the rest "processed"; consecutive ones of one `SetHandler` go to it
    in one call. Raises, storing nothing, when a handler does."""
    async with pool.acquire() as conn, conn.transaction():
        first_time: set[UUID] = {
            row["event_id"]
            for row in await conn.fetch(
                "INSERT INTO processed_events (event_id, event_type)"
                " SELECT * FROM unnest($1::uuid[], $2::text[])"
                " ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
                [e.envelope.id for e in events],
                [e.envelope.type for e in events],
            )
        }
        applied: list[Applied] = []
        run: list[ParsedEvent] = []
        for event in events:
            if event.envelope.id not in first_time:
                applied.append(Applied(event, "duplicate", 0.0))
                continue
            first_time.discard(event.envelope.id)  # the same event again later in the batch
            if run and not _same_set(run[0].handler, event.handler):
                applied += await _apply_run(conn, run, span_for)
                run = []
            run.append(event)
        if run:
            applied += await _apply_run(conn, run, span_for)
        return applied


_RUN_SPANS: ContextVar[Mapping[UUID, trace.Span] | None] = ContextVar(
    "inbox_run_spans", default=None
)


@contextmanager
def in_its_span(envelope: Envelope) -> Iterator[None]:
    """Inside a set-based call, make `envelope`'s own span current while its part of the work
    runs, so what it sends on (an outbox event, a delivery) continues its sender's trace, not
    that of the run's last event; elsewhere (its span is current already) it changes nothing."""
    span = (_RUN_SPANS.get() or {}).get(envelope.id)
    if span is None:
        yield
        return
    with trace.use_span(span, end_on_exit=False):
        yield


def _same_set(first: Handler, later: Handler) -> bool:
    return isinstance(first, SetHandler) and later is first


async def _apply_run(
    conn: asyncpg.Connection,
    run: list[ParsedEvent],
    span_for: Callable[[ParsedEvent], AbstractContextManager[Any]],
) -> list[Applied]:
    """Apply consecutive first-time events: more than one only when they share a set-based
    form, which gets them in one call. Each event keeps its own span (its sender's trace), which
    the set-based form makes current around that event's part with `in_its_span`."""
    handler = run[0].handler
    started = time.perf_counter()
    with ExitStack() as spans:
        if not (isinstance(handler, SetHandler) and len(run) > 1):
            spans.enter_context(span_for(run[0]))
            await handler(conn, run[0].envelope, run[0].payload)
        else:
            opened: dict[UUID, trace.Span] = {}
            for event in run:
                spans.enter_context(span_for(event))
                opened[event.envelope.id] = trace.get_current_span()
            token = _RUN_SPANS.set(opened)
            try:
                await handler.together(conn, [(e.envelope, e.payload) for e in run])
            finally:
                _RUN_SPANS.reset(token)
    share = (time.perf_counter() - started) / len(run)
    return [Applied(e, "processed", share) for e in run]


async def apply_once(
    *, pool: asyncpg.Pool, envelope: Envelope, payload: EventData, handler: Handler
) -> str:
    """Run `handler` and record the event as processed in one transaction: "duplicate" (and
    no effect) when it was processed before, else "processed"."""
    async with pool.acquire() as conn, conn.transaction():
        first_time = await conn.fetchval(
            "INSERT INTO processed_events (event_id, event_type) VALUES ($1, $2)"
            " ON CONFLICT (event_id) DO NOTHING RETURNING true",
            envelope.id,
            envelope.type,
        )
        if not first_time:
            return "duplicate"
        await handler(conn, envelope, payload)
        return "processed"


async def prune_processed_events(
    *, conn: asyncpg.Connection, now: datetime, older_than: timedelta, limit: int
) -> int:
    """Forget up to `limit` processed-event records older than the horizon, oldest first.

    Only safe beyond the longest an event can come again (Kafka's retention, DLQ replays);
    replicas pruning together skip each other's rows instead of waiting on them.
    """
    status: str = await conn.execute(
        "DELETE FROM processed_events WHERE event_id IN ("
        " SELECT event_id FROM processed_events WHERE processed_at < $1"
        " ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
        now - older_than,
        limit,
    )
    return int(status.rsplit(" ", 1)[-1])


async def run_processed_events_pruning(
    *,
    service: str,
    pool: asyncpg.Pool,
    clock: Clock,
    stop: asyncio.Event,
    retention: timedelta,
    batch_size: int,
    interval_seconds: float,
) -> None:
    """Keep `processed_events` bounded: batch after batch while old rows remain, then idle."""

    async def prune_batch(conn: asyncpg.Connection, now: datetime) -> int:
        pruned = await prune_processed_events(
            conn=conn, now=now, older_than=retention, limit=batch_size
        )
        PROCESSED_EVENTS_PRUNED.labels(service).inc(pruned)
        return pruned

    await run_work_loop(
        name="processed events pruning",
        work=on_pool(pool, clock, prune_batch),
        batch_size=batch_size,
        max_idle_seconds=interval_seconds,
        stop=stop,
        clock=clock,
    )
