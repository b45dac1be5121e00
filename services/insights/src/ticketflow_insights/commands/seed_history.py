"""Applies a generated demo history through insights' own event table, as the consumer would have
when each event happened, so forecasts, staffing and scorecards have weeks to work from.

The history goes straight into the facts, never on the topics: the other services would act on
it (routing would assign, notify would send). A rebuild from the topics therefore drops it. Each
event is recorded in `processed_events` with its effect, batch by batch, and the seed's window
in `demo_histories`, so a re-run (even after a crash) applies only what is missing and a
finished seed is a no-op. Events the handlers emit while the history is applied are stale
reactions to the past: they are discarded with the batch, not published.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from ticketflow_common.consumer import Handler
from ticketflow_common.envelope import Envelope
from ticketflow_common.event_table import EventTable, handlers_for
from ticketflow_common.topics import event_source
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
)

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
) -> SeedOutcome:
    """Generate the seed's history (the window of its first run) and apply what is missing."""
    starts_at, ends_at = history_window(now=now, weeks=weeks)
    async with pool.acquire() as conn:
        record = await begin_demo_history(
            conn=conn, seed=seed, weeks=weeks, volume=volume, starts_at=starts_at, ends_at=ends_at
        )
    if record.completed_at is not None:
        return SeedOutcome(
            seed, record.starts_at, record.ends_at, record.events_applied, 0, 0, 0, True
        )
    span = math.ceil((record.ends_at - record.starts_at) / WEEK)
    events = synthetic_history(
        start=record.starts_at,
        weeks=max(1, span),
        seed=seed,
        volume=record.volume,
        until=record.ends_at,
    )
    clock = _EventTime(record.starts_at)
    handlers = handlers_for(table, clock=clock)
    applied = duplicates = unhandled = 0
    for first in range(0, len(events), batch_size):
        batch = events[first : first + batch_size]
        async with pool.acquire() as conn, conn.transaction():
            done, again, skipped = await _apply_batch(conn, batch, handlers, clock)
            await conn.execute("DELETE FROM outbox WHERE created_at = now()")
            await add_applied_events(conn=conn, seed=seed, applied=done)
        applied, duplicates, unhandled = applied + done, duplicates + again, unhandled + skipped
    async with pool.acquire() as conn:
        await complete_demo_history(conn=conn, seed=seed, now=now)
    return SeedOutcome(
        seed, record.starts_at, record.ends_at, len(events), applied, duplicates, unhandled, False
    )


async def _apply_batch(
    conn: asyncpg.Connection,
    batch: list[HistoryEvent],
    handlers: Mapping[str, Handler],
    clock: _EventTime,
) -> tuple[int, int, int]:
    """Like the consumer's apply_once, for many events in one transaction."""
    applied = duplicates = unhandled = 0
    for event in batch:
        handler = handlers.get(event.data.event_type)
        if handler is None:
            unhandled += 1
            continue
        envelope = history_envelope(event)
        first_time = await conn.fetchval(
            "INSERT INTO processed_events (event_id, event_type) VALUES ($1, $2)"
            " ON CONFLICT (event_id) DO NOTHING RETURNING true",
            envelope.id,
            envelope.type,
        )
        if not first_time:
            duplicates += 1
            continue
        clock.at = event.occurred_at
        await handler(conn, envelope, event.data)
        applied += 1
    return applied, duplicates, unhandled
