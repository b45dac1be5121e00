"""Durable shared timers on the real Postgres and Kafka: three replicas racing fire each timer
once; a timer that fell due while no replica ran fires at start-up; ticket events in, SLA
events out, with targets of seconds."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.sla.conftest import SlaHarness
from tests.kafka_helpers import delete_topics, read_records
from tests.polling import eventually
from ticketflow_common.clock import system_clock
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.db import create_pool
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import TicketCreated
from ticketflow_common.kafka import new_producer
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.outbox import outbox_backlog
from ticketflow_common.relay import OutboxRelay
from ticketflow_common.timer_loop import TimerPacing
from ticketflow_common.topics import ROUTING, SLA, TICKETS, TopicNames, dlq_topic
from ticketflow_sla.store.timers import timers_channel
from ticketflow_sla.workers.timers import run_sla_timer_loop

pytestmark = pytest.mark.integration

StartReplica = Callable[[], asyncio.Task[None]]


@pytest.fixture
async def start_replica(sla: SlaHarness, database_url: str) -> AsyncIterator[StartReplica]:
    """Start a timer loop with a pool (Postgres sessions) of its own, like a replica."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    pools: list[asyncpg.Pool] = []

    async def replica() -> None:
        pool = await create_pool(dsn=database_url, schema=sla.schema, max_size=3)
        pools.append(pool)
        await run_sla_timer_loop(
            pool=pool,
            clock=system_clock,
            stop=stop,
            pacing=TimerPacing(batch_size=50, max_idle_seconds=0.5, lookahead_seconds=2),
            channel=timers_channel(sla.schema),
        )

    def start() -> asyncio.Task[None]:
        task = asyncio.create_task(replica())
        tasks.append(task)
        return task

    yield start
    stop.set()
    await asyncio.gather(*tasks)
    for pool in pools:
        await pool.close()


async def insert_breach_timers(sla: SlaHarness, due: list[datetime]) -> list[uuid.UUID]:
    """Running clocks, one breach timer each, due at the given instants."""
    clock_ids = [uuid.uuid4() for _ in due]
    async with sla.pool.acquire() as conn, conn.transaction():
        await conn.executemany(
            "INSERT INTO clocks (id, ticket_id, metric, policy, target_seconds, started_at,"
            " due_at, state, running_since) VALUES ($1, $2, 'first_response', 'urgent', 1,"
            " $3, $3, 'running', $3)",
            [(c, uuid.uuid4(), d) for c, d in zip(clock_ids, due, strict=True)],
        )
        await conn.executemany(
            "INSERT INTO timers (clock_id, kind, due_at) VALUES ($1, 'breach', $2)",
            list(zip(clock_ids, due, strict=True)),
        )
    return clock_ids


async def breach_events(sla: SlaHarness) -> list[dict[str, object]]:
    return [e["data"] for e in await sla.outbox() if e["type"] == "sla.breached"]


async def test_three_replicas_racing_fire_every_timer_exactly_once(
    sla: SlaHarness, start_replica: StartReplica
) -> None:
    for _ in range(3):
        start_replica()
    now = datetime.now(UTC)
    count = 600
    due = [now + timedelta(seconds=0.5 + 2.0 * i / count) for i in range(count)]
    due += [now - timedelta(seconds=1)] * 200  # a backlog all replicas grab at once
    clock_ids = await insert_breach_timers(sla, due)

    async def all_fired() -> bool:
        async with sla.pool.acquire() as conn:
            pending: int = await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NULL")
        return pending == 0

    await eventually(all_fired, what="every timer to fire", within=30)
    events = await breach_events(sla)
    assert len(events) == len(clock_ids)
    assert sorted(str(e["clock_id"]) for e in events) == sorted(str(c) for c in clock_ids)
    async with sla.pool.acquire() as conn:
        early = await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at < due_at")
    assert early == 0, "no timer fires before it is due"


async def test_a_timer_due_while_every_replica_was_down_fires_at_start_up(
    sla: SlaHarness, start_replica: StartReplica
) -> None:
    due_at = datetime.now(UTC) - timedelta(seconds=30)
    [clock_id] = await insert_breach_timers(sla, [due_at])
    start_replica()

    [event] = await eventually(lambda: breach_events(sla), what="the overdue breach")
    assert event["clock_id"] == str(clock_id)
    assert datetime.fromisoformat(str(event["due_at"])) == due_at
    fired_at = datetime.fromisoformat(str(event["fired_at"]))
    assert fired_at - due_at >= timedelta(seconds=30)


async def test_ticket_events_in_warnings_and_breach_out_through_kafka(
    sla: SlaHarness,
    start_replica: StartReplica,
    database_url: str,
    kafka_bootstrap: str,
) -> None:
    await sla.sql(
        "UPDATE policies SET first_response_seconds = 2, resolution_seconds = NULL,"
        " escalation_policy = NULL WHERE name = 'urgent'"
    )
    names = TopicNames(f"it{uuid.uuid4().hex[:10]}.")
    await ensure_topics(
        bootstrap_servers=kafka_bootstrap,
        names=names,
        partitions=3,
        only=[TICKETS, ROUTING, SLA, dlq_topic(TICKETS, "sla"), dlq_topic(ROUTING, "sla")],
    )
    async with sla.pool.acquire() as conn:  # the shipped calendars' calendar.changed
        announced = await outbox_backlog(conn=conn)
    producer: AIOKafkaProducer = new_producer(kafka_bootstrap, client_id="itest-sla")
    await producer.start()
    stop = asyncio.Event()
    consumer = EventConsumer(
        service="sla",
        pool=sla.pool,
        producer=producer,
        bootstrap_servers=kafka_bootstrap,
        topics=[TICKETS, ROUTING],
        names=names,
        handlers=sla.spec.handlers(replace(sla.runtime, clock=system_clock)),
        group_id=f"g-{uuid.uuid4().hex[:8]}",
    )
    relay = OutboxRelay(
        service="sla", schema=sla.schema, pool=sla.pool, producer=producer, topics=names
    )
    workers = [asyncio.create_task(consumer.run(stop)), asyncio.create_task(relay.run(stop))]
    start_replica()
    try:
        ticket_id = uuid.uuid4()
        created = TicketCreated(
            ticket_id=ticket_id,
            subject="VPN down",
            priority="urgent",
            required_skills=[],
            requester_id="u-1",
            created_at=datetime.now(UTC),
        )
        envelope = new_event(created, source="/tests", subject=str(ticket_id))
        await producer.send_and_wait(
            names.physical(TICKETS), value=envelope.to_bytes(), key=str(ticket_id).encode()
        )
        published = await read_records(
            bootstrap=kafka_bootstrap, topic=names.physical(SLA), count=announced + 4, within=30
        )
        records = [r for r in published if r.key == str(ticket_id).encode()]
    finally:
        stop.set()
        await asyncio.gather(*workers)
        await producer.stop()
        await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)

    events = [Envelope.from_bytes(r.value or b"") for r in records]
    assert [e.type for e in events] == ["sla.started", "sla.warning", "sla.warning", "sla.breached"]
    assert {r.key for r in records} == {str(ticket_id).encode()}
    assert [e.data.get("threshold") for e in events[1:3]] == ["50%", "75%"]
    breached = events[3].data
    assert breached["due_at"] == events[0].data["due_at"]
    assert datetime.fromisoformat(str(breached["fired_at"])) >= datetime.fromisoformat(
        str(breached["due_at"])
    )
