"""Rebuild the facts from the topics: empty them, then apply every event again with the same
handlers as live ingestion, many events per transaction, each still exactly once."""

import asyncio
import logging
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import ConsumerRecord
from pydantic import ValidationError

from ticketflow_common.clock import system_clock
from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.event_table import EventTable, handlers_for
from ticketflow_common.inbox import Handler, apply_once
from ticketflow_common.topics import TopicNames
from ticketflow_common.transient import TRANSIENT_ERRORS
from ticketflow_insights.commands.facts_replay import TopicReplay
from ticketflow_insights.commands.facts_tickets import deferred_facts, flush_deferred
from ticketflow_insights.store.facts_rebuild import (
    FACTS_TABLES,
    claim_events,
    forget_processed,
    truncate_facts,
)

log = logging.getLogger(__name__)


@dataclass
class RebuildReport:
    """What a rebuild read and did, by outcome and event type."""

    records: int = 0
    applied: int = 0
    duplicates: int = 0
    ignored: int = 0
    unparseable: int = 0
    failed: int = 0
    seconds: float = 0.0
    by_type: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        rate = self.records / self.seconds if self.seconds else 0.0
        return {**self.__dict__, "events_per_second": round(rate, 1)}


DEADLOCK_RETRIES = 5


def shard_of(payload: EventData, shards: int) -> int:
    """Events of one ticket (agent, team, calendar) go to one shard: shards applied at once
    never write the same rows, except arrival buckets, which they lock in one order."""
    key = next(
        (
            getattr(payload, k)
            for k in ("ticket_id", "agent_id", "team", "name")
            if hasattr(payload, k)
        ),
        None,
    )
    return zlib.crc32(str(key).encode()) % shards


def consumed_topics(table: EventTable) -> list[str]:
    return sorted({model.topic for model in table})


async def clear_facts(*, conn: asyncpg.Connection, table: EventTable) -> None:
    """Empty every facts table and forget the facts' events, so they apply again."""
    async with conn.transaction():
        await truncate_facts(conn=conn, tables=FACTS_TABLES)
        await forget_processed(conn=conn, event_types=[m.event_type for m in table])


def _parse(
    record: ConsumerRecord[bytes, bytes], models: dict[str, type[EventData]], report: RebuildReport
) -> tuple[Envelope, EventData] | None:
    try:
        envelope = Envelope.from_bytes(record.value or b"")
    except ValidationError:
        report.unparseable += 1
        return None
    model = models.get(envelope.type)
    if model is None:
        report.ignored += 1
        return None
    try:
        return envelope, envelope.payload(model)
    except ValidationError:
        report.unparseable += 1
        return None


async def apply_batch(
    *,
    pool: asyncpg.Pool,
    handlers: dict[str, Handler],
    events: Sequence[tuple[Envelope, EventData]],
    report: RebuildReport,
) -> None:
    """One transaction for the batch: record every event id, apply the new ones in order,
    recompute the tickets they touched once. If any fails, the batch is applied again event
    by event, as the live consumer would, and the failing ones are counted and skipped.

    The commit is not waited for on disk (`synchronous_commit = off`): a crash loses at most
    the last batches of a rebuild, which is then run again."""
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        try:
            await _apply_batch_once(pool=pool, handlers=handlers, events=events, report=report)
            return
        except asyncpg.exceptions.DeadlockDetectedError:
            if attempt == DEADLOCK_RETRIES:
                raise
            log.warning("rebuild batch deadlocked; applying it again")


async def _apply_batch_once(
    *,
    pool: asyncpg.Pool,
    handlers: dict[str, Handler],
    events: Sequence[tuple[Envelope, EventData]],
    report: RebuildReport,
) -> None:
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SET LOCAL synchronous_commit = off")
            fresh = await claim_events(
                conn=conn, ids=[e.id for e, _ in events], types=[e.type for e, _ in events]
            )
            applied: list[str] = []
            with deferred_facts() as deferred:
                for envelope, payload in events:
                    if envelope.id not in fresh:
                        continue
                    fresh.discard(envelope.id)
                    await handlers[envelope.type](conn, envelope, payload)
                    applied.append(envelope.type)
                await flush_deferred(conn=conn, deferred=deferred)
    except TRANSIENT_ERRORS:
        raise  # the database or broker went away: the rebuild stops, and can run again
    except Exception:  # one event failed: find it by applying the batch one by one
        log.warning("rebuild batch failed; applying it event by event")
        await _apply_one_by_one(pool=pool, handlers=handlers, events=events, report=report)
        return
    report.applied += len(applied)
    report.duplicates += len(events) - len(applied)
    for event_type in applied:
        report.by_type[event_type] = report.by_type.get(event_type, 0) + 1


async def _apply_one_by_one(
    *,
    pool: asyncpg.Pool,
    handlers: dict[str, Handler],
    events: Sequence[tuple[Envelope, EventData]],
    report: RebuildReport,
) -> None:
    for envelope, payload in events:
        try:
            outcome = await apply_once(
                pool=pool, envelope=envelope, payload=payload, handler=handlers[envelope.type]
            )
        except TRANSIENT_ERRORS:
            raise
        except Exception as exc:  # a poison event is reported and skipped, as the DLQ would
            log.error(
                "rebuild skipped an event", extra={"event_id": str(envelope.id), "error": repr(exc)}
            )
            report.failed += 1
            continue
        if outcome == "duplicate":
            report.duplicates += 1
        else:
            report.applied += 1
            report.by_type[envelope.type] = report.by_type.get(envelope.type, 0) + 1


async def rebuild_facts(
    *,
    pool: asyncpg.Pool,
    table: EventTable,
    bootstrap_servers: str,
    names: TopicNames,
    batch_size: int = 2000,
    workers: int = 4,
) -> RebuildReport:
    """Empty the facts, then replay every topic the table consumes up to its end offsets at
    the start. Events a live consumer applies meanwhile are not applied twice (the inbox), and
    the handlers do not depend on order, so the end state is the same either way. `workers`
    shards of each batch are applied at once, on as many connections."""
    started = time.perf_counter()
    report = RebuildReport()
    handlers = handlers_for(table, clock=system_clock)
    models = {m.event_type: m for m in table}
    async with pool.acquire() as conn:
        await clear_facts(conn=conn, table=table)
    topics = [names.physical(t) for t in consumed_topics(table)]
    async with TopicReplay(
        bootstrap_servers=bootstrap_servers, topics=topics, max_records=batch_size * workers
    ) as replay:
        log.info("rebuild started", extra={"records": replay.bounds.records, "topics": topics})
        async for records in replay.batches():
            report.records += len(records)
            events = [e for r in records if (e := _parse(r, models, report)) is not None]
            shards: list[list[tuple[Envelope, EventData]]] = [[] for _ in range(workers)]
            for event in events:
                shards[shard_of(event[1], workers)].append(event)
            await asyncio.gather(
                *(
                    apply_batch(pool=pool, handlers=handlers, events=shard, report=report)
                    for shard in shards
                    if shard
                )
            )
    report.seconds = round(time.perf_counter() - started, 3)
    return report
