"""The transactional outbox against real Postgres and Kafka: nothing lost, nothing invented."""

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.conftest import Schema
from tests.kafka_helpers import read_records, total_end_offset
from tests.polling import eventually
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import TicketCreated
from ticketflow_common.outbox import enqueue_event
from ticketflow_common.relay import OutboxRelay
from ticketflow_common.topics import TICKETS, TopicNames

pytestmark = pytest.mark.integration


def ticket_created() -> Envelope:
    ticket_id = uuid4()
    data = TicketCreated(
        ticket_id=ticket_id,
        subject="printer on fire",
        priority="urgent",
        required_skills=["hardware"],
        requester_id="u-1",
        created_at=datetime.now(UTC),
    )
    return new_event(data, source="/tests", subject=str(ticket_id))


def relay_for(schema: Schema, producer: AIOKafkaProducer, names: TopicNames) -> OutboxRelay:
    return OutboxRelay(
        service="itest",
        schema=schema.name,
        pool=schema.pool,
        producer=producer,
        topics=names,
        idle_poll_seconds=0.2,
    )


async def test_row_committed_before_a_crash_is_published_by_the_next_relay(
    schema: Schema, producer: AIOKafkaProducer, names: TopicNames, kafka_bootstrap: str
) -> None:
    event = ticket_created()
    async with schema.pool.acquire() as conn, conn.transaction():
        await enqueue_event(conn=conn, event=event, topic=TICKETS, key=event.subject)
    # No relay ran: exactly what a process killed between commit and publish leaves behind.

    stop = asyncio.Event()
    running = asyncio.create_task(relay_for(schema, producer, names).run(stop))
    try:
        records = await read_records(
            bootstrap=kafka_bootstrap, topic=names.physical(TICKETS), count=1
        )
        async with schema.pool.acquire() as conn:
            await eventually(
                lambda: _outbox_empty(conn), what="outbox to be emptied after publishing"
            )
    finally:
        stop.set()
        await running

    assert len(records) == 1
    published = Envelope.from_bytes(records[0].value or b"")
    assert published.id == event.id
    assert published.type == "ticket.created"
    assert records[0].key == event.subject.encode()


async def test_rolled_back_change_publishes_nothing(
    schema: Schema, producer: AIOKafkaProducer, names: TopicNames, kafka_bootstrap: str
) -> None:
    rolled_back, committed = ticket_created(), ticket_created()

    async def change_that_fails() -> None:
        async with schema.pool.acquire() as conn, conn.transaction():
            await enqueue_event(
                conn=conn, event=rolled_back, topic=TICKETS, key=rolled_back.subject
            )
            raise RuntimeError("change failed after the event was enqueued")

    with pytest.raises(RuntimeError, match="change failed"):
        await change_that_fails()
    async with schema.pool.acquire() as conn, conn.transaction():
        await enqueue_event(conn=conn, event=committed, topic=TICKETS, key=committed.subject)

    relay = relay_for(schema, producer, names)
    assert await relay.publish_batch() == 1
    assert await relay.publish_batch() == 0

    topic = names.physical(TICKETS)
    assert await total_end_offset(bootstrap=kafka_bootstrap, topic=topic) == 1
    records = await read_records(bootstrap=kafka_bootstrap, topic=topic, count=1)
    assert [Envelope.from_bytes(r.value or b"").id for r in records] == [committed.id]


async def test_relay_keeps_the_order_of_one_tickets_events(
    schema: Schema, producer: AIOKafkaProducer, names: TopicNames, kafka_bootstrap: str
) -> None:
    first = ticket_created()
    events = [first] + [
        new_event(first.payload(TicketCreated), source="/tests", subject=first.subject)
        for _ in range(20)
    ]
    async with schema.pool.acquire() as conn:
        for event in events:
            async with conn.transaction():
                await enqueue_event(conn=conn, event=event, topic=TICKETS, key=first.subject)

    relay = relay_for(schema, producer, names)
    assert await relay.publish_batch() == len(events)

    records = await read_records(
        bootstrap=kafka_bootstrap, topic=names.physical(TICKETS), count=len(events)
    )
    assert [Envelope.from_bytes(r.value or b"").id for r in records] == [e.id for e in events]


async def _outbox_empty(conn: asyncpg.Connection) -> bool:
    count = await conn.fetchval("SELECT count(*) FROM outbox")
    return bool(count == 0)
