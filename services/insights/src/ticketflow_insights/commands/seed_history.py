"""Applies a generated demo history through insights' own event table, as the consumer would have
when each event happened, so forecasts, staffing and scorecards have weeks to work from.

The history goes straight into the facts, never on the topics: the other services would act on
it (routing would assign, notify would send). A rebuild from the topics therefore drops it. Each
event is recorded in `processed_events` with its effect, batch by batch, and the seed's window
in `demo_histories`, so a re-run (even after a crash) applies only what is missing and a
finished seed is a no-op, unless a rebuild has emptied the facts since: then it applies again.
Events the handlers emit while the history is applied are stale reactions to the past: they are
discarded with the batch, not published.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from ticketflow_common.envelope import Envelope, data_schema_url
from ticketflow_common.event_table import EventTable, handlers_for
from ticketflow_common.events import TicketCreated
from ticketflow_common.inbox import Handler
from ticketflow_common.topics import event_source
from ticketflow_insights.commands.facts_tickets import deferred_facts, flush_deferred
from ticketflow_insights.domain.synthetic_history import (
    WEEK,
    HistoryEvent,
    history_event_id,
    history_subject,
    synthetic_history,
)
from ticketflow_insights.store.demo_histories import (
    add_applied_events,
    begin_demo_history,
    complete_demo_history,
    restart_demo_history,
    ticket_known,
)
from ticketflow_insights.store.facts_rebuild import claim_events

BATCH_SIZE = 500


@dataclass(frozen=True)
class SeedOutcome:
    """What a run did: `applied` events this time, `duplicates` applied before."""

    seed: int
    starts_at: datetime
    ends_at: datetime
    events: int
    applied: int
    duplicates: int
    unhandled: int
    already_complete: bool


class _EventTime:
    """The clock the handlers read: the instant of the event being applied."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def history_window(*, now: datetime, weeks: int) -> tuple[datetime, datetime]:
    """From midnight (UTC) `weeks` weeks before `now`, up to `now`."""
    first_day = (now.astimezone(UTC) - weeks * WEEK).date()
    return datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC), now


def history_envelope(event: HistoryEvent) -> Envelope:
    """The envelope the publishing service would have sent, with the event's stable id."""
    return Envelope(
        id=history_event_id(event),
        source=event_source(event.data.topic),
        type=event.data.event_type,
        time=event.occurred_at,
        subject=history_subject(event.data),
        dataschema=data_schema_url(event.data),
        data=event.data.model_dump(mode="json"),
    )


async def seed_history(
    *,
    pool: asyncpg.Pool,
    table: EventTable,
    now: datetime,
    weeks: int,
    seed: int,
    volume: float = 1.0,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> SeedOutcome:
    """Generate the seed's history (the window of its first run) and apply what is missing."""
    starts_at, ends_at = history_window(now=now, weeks=weeks)
    async with pool.acquire() as conn:
        record = await begin_demo_history(
            conn=conn, seed=seed, weeks=weeks, volume=volume, starts_at=starts_at, ends_at=ends_at
        )
    span = math.ceil((record.ends_at - record.starts_at) / WEEK)
    events = synthetic_history(
        start=record.starts_at,
        weeks=max(1, span),
        seed=seed,
        volume=record.volume,
        until=record.ends_at,
    )
    if record.completed_at is not None:
        async with pool.acquire() as conn:
            if await _still_in_the_facts(conn, events):
                return SeedOutcome(
                    seed, record.starts_at, record.ends_at, record.events_applied, 0, 0, 0, True
                )
            await restart_demo_history(conn=conn, seed=seed)  # a rebuild emptied the facts
    clock = _EventTime(record.starts_at)
    handlers = handlers_for(table, clock=clock)
    applied = duplicates = unhandled = 0
    for first in range(0, len(events), batch_size):
        batch = events[first : first + batch_size]
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SET LOCAL synchronous_commit = off")  # demo data, re-runnable
            done, again, skipped = await _apply_batch(conn, batch, handlers, clock)
            await conn.execute("DELETE FROM outbox WHERE created_at = now()")
            await add_applied_events(conn=conn, seed=seed, applied=done)
        applied, duplicates, unhandled = applied + done, duplicates + again, unhandled + skipped
        if progress is not None:
            progress(first + len(batch), len(events))
    async with pool.acquire() as conn:
        await complete_demo_history(conn=conn, seed=seed, now=now)
    return SeedOutcome(
        seed, record.starts_at, record.ends_at, len(events), applied, duplicates, unhandled, False
    )


async def _still_in_the_facts(conn: asyncpg.Connection, events: list[HistoryEvent]) -> bool:
    """Whether the history's first ticket is in the facts: a rebuild empties them (and forgets
    their processed events), while pruning old processed-event records does not."""
    first = next((e.data for e in events if isinstance(e.data, TicketCreated)), None)
    return first is None or await ticket_known(conn=conn, ticket_id=first.ticket_id)


async def _apply_batch(
    conn: asyncpg.Connection,
    batch: list[HistoryEvent],
    handlers: Mapping[str, Handler],
    clock: _EventTime,
) -> tuple[int, int, int]:
    """As a rebuild applies a batch: its ids recorded in one statement, each event recorded
    just now handled in order, what the facts deferred (arrivals, recomputations) done once at
    the end."""
    handled = [
        (event, history_envelope(event), handler)
        for event in batch
        if (handler := handlers.get(event.data.event_type)) is not None
    ]
    fresh = await claim_events(
        conn=conn,
        ids=[envelope.id for _, envelope, _ in handled],
        types=[envelope.type for _, envelope, _ in handled],
    )
    with deferred_facts() as deferred:
        for event, envelope, handler in handled:
            if envelope.id in fresh:
                clock.at = event.occurred_at
                await handler(conn, envelope, event.data)
        await flush_deferred(conn=conn, deferred=deferred)
    applied = len(fresh)
    return applied, len(handled) - applied, len(batch) - len(handled)
