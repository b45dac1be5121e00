"""The idempotent consumer against real Postgres and Kafka: once-only effects, poison to DLQ."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.conftest import CONSUMER_SERVICE, Schema
from tests.kafka_helpers import committed_total, read_records
from tests.polling import eventually
from tests.support.events import ticket_created
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import TicketCreated
from ticketflow_common.topics import TICKETS, TopicNames, dlq_topic

pytestmark = pytest.mark.integration

EXPLODE = "explode"


async def record_effect(conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated) -> None:
    """The effect under test; a ticket whose subject is `explode` always fails."""
    if event.subject == EXPLODE:
        raise ValueError(f"cannot handle ticket {event.ticket_id}")
    await conn.execute(
        "INSERT INTO effects (event_id, ticket_id, subject) VALUES ($1, $2, $3)",
        envelope.id,
        event.ticket_id,
        event.subject,
    )


ConsumerFactory = Callable[[str], EventConsumer]


@pytest.fixture
async def start_consumer(
    schema: Schema, producer: AIOKafkaProducer, names: TopicNames, kafka_bootstrap: str
) -> AsyncIterator[Callable[[str], asyncio.Task[None]]]:
    """Start consumers in a group; all of them are stopped gracefully after the test."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    def start(group: str) -> asyncio.Task[None]:
        consumer = EventConsumer(
            service=CONSUMER_SERVICE,
            pool=schema.pool,
            producer=producer,
            bootstrap_servers=kafka_bootstrap,
            topics=[TICKETS],
            names=names,
            handlers={TicketCreated.event_type: record_effect},
            group_id=group,
            max_attempts=3,
            retry_base_seconds=0.01,
        )
        task = asyncio.create_task(consumer.run(stop))
        tasks.append(task)
        return task

    yield start
    stop.set()
    await asyncio.gather(*tasks)


async def send(producer: AIOKafkaProducer, names: TopicNames, value: bytes, key: str) -> None:
    await producer.send_and_wait(names.physical(TICKETS), value=value, key=key.encode())


async def effects_of(pool: asyncpg.Pool, event_id: uuid.UUID) -> int:
    async with pool.acquire() as conn:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM effects WHERE event_id = $1", event_id
        )
        return count


async def test_redelivered_event_has_no_second_effect(
    schema: Schema,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
    start_consumer: Callable[[str], asyncio.Task[None]],
) -> None:
    event = ticket_created("VPN down")
    group = f"g-{uuid.uuid4().hex[:8]}"
    await send(producer, names, event.to_bytes(), event.subject)
    await send(producer, names, event.to_bytes(), event.subject)
    start_consumer(group)

    await eventually(
        lambda: _committed_at_least(kafka_bootstrap, group, 2),
        what="both copies to be consumed and committed",
    )
    assert await effects_of(schema.pool, event.id) == 1
    async with schema.pool.acquire() as conn:
        recorded = await conn.fetchval(
            "SELECT count(*) FROM processed_events WHERE event_id = $1", event.id
        )
    assert recorded == 1


async def test_second_consumer_group_member_reprocessing_from_zero_changes_nothing(
    schema: Schema,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
    start_consumer: Callable[[str], asyncio.Task[None]],
) -> None:
    """A new group replays the topic from the start, as after lost offsets: effects stay single."""
    events = [ticket_created("VPN down") for _ in range(5)]
    for event in events:
        await send(producer, names, event.to_bytes(), event.subject)
    first_group, second_group = f"g-{uuid.uuid4().hex[:8]}", f"g-{uuid.uuid4().hex[:8]}"
    start_consumer(first_group)
    await eventually(
        lambda: _committed_at_least(kafka_bootstrap, first_group, len(events)),
        what="first pass to commit",
    )
    start_consumer(second_group)
    await eventually(
        lambda: _committed_at_least(kafka_bootstrap, second_group, len(events)),
        what="replay to commit",
    )
    assert [await effects_of(schema.pool, e.id) for e in events] == [1] * len(events)


async def test_each_keys_events_apply_in_order_while_partitions_run_concurrently(
    schema: Schema,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
    start_consumer: Callable[[str], asyncio.Task[None]],
) -> None:
    """A batch's partitions are applied side by side; one ticket's events never overtake."""
    async with schema.pool.acquire() as conn:
        await conn.execute("ALTER TABLE effects ADD COLUMN applied bigserial")
    keys, per_key = [f"ticket-{k}" for k in range(6)], 20
    for n in range(per_key):
        for key in keys:
            await send(producer, names, ticket_created(f"{key} {n}").to_bytes(), key)
    group = f"g-{uuid.uuid4().hex[:8]}"
    start_consumer(group)
    await eventually(
        lambda: _committed_at_least(kafka_bootstrap, group, len(keys) * per_key),
        what="every event to be applied and committed",
    )
    async with schema.pool.acquire() as conn:
        subjects = [
            r["subject"] for r in await conn.fetch("SELECT subject FROM effects ORDER BY applied")
        ]
    for key in keys:
        assert [int(s.split()[1]) for s in subjects if s.split()[0] == key] == list(range(per_key))


async def test_poison_messages_go_to_the_dlq_and_the_consumer_goes_on(
    schema: Schema,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
    start_consumer: Callable[[str], asyncio.Task[None]],
) -> None:
    key = str(uuid.uuid4())  # one key, so all four land on one partition, in this order
    not_json = b"{this is not json"
    bad_payload = ticket_created("VPN down").model_copy(
        update={"data": {"ticket_id": "not-a-uuid"}}
    )
    failing = ticket_created(subject=EXPLODE)
    good = ticket_created("VPN down")
    for value in (not_json, bad_payload.to_bytes(), failing.to_bytes(), good.to_bytes()):
        await send(producer, names, value, key)

    start_consumer(f"g-{uuid.uuid4().hex[:8]}")
    await eventually(lambda: effects_of(schema.pool, good.id), what="the good event's effect")

    letters = await read_records(
        bootstrap=kafka_bootstrap,
        topic=names.physical(dlq_topic(TICKETS, CONSUMER_SERVICE)),
        count=3,
    )
    assert [r.value for r in letters] == [not_json, bad_payload.to_bytes(), failing.to_bytes()]
    headers = [dict(r.headers) for r in letters]
    assert [h["dlq-error-type"] for h in headers] == [
        b"ValidationError",
        b"ValidationError",
        b"ValueError",
    ]
    assert b"ticket_id" in headers[1]["dlq-error"]
    assert (
        f"cannot handle ticket {failing.payload(TicketCreated).ticket_id}".encode()
        in (headers[2]["dlq-error"])
    )
    assert headers[2]["dlq-attempts"] == b"3"
    assert all(h["dlq-original-topic"] == TICKETS.encode() for h in headers)
    assert await effects_of(schema.pool, failing.id) == 0


async def transactions_of(pool: asyncpg.Pool, events: list[Envelope]) -> int:
    """How many transactions recorded these events as processed (their rows' xmin)."""
    async with pool.acquire() as conn:
        count: int = await conn.fetchval(
            "SELECT count(DISTINCT xmin::text) FROM processed_events WHERE event_id = ANY($1)",
            [e.id for e in events],
        )
        return count


async def test_events_arriving_together_are_applied_in_few_transactions(
    schema: Schema,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
    start_consumer: Callable[[str], asyncio.Task[None]],
) -> None:
    """A partition's fetched events share a transaction (and its WAL flush), not one each."""
    key, events = str(uuid.uuid4()), [ticket_created(f"together {n}") for n in range(40)]
    for event in events:
        await send(producer, names, event.to_bytes(), key)
    group = f"g-{uuid.uuid4().hex[:8]}"
    start_consumer(group)
    await eventually(
        lambda: _committed_at_least(kafka_bootstrap, group, len(events)),
        what="every event to be applied and committed",
    )
    assert [await effects_of(schema.pool, e.id) for e in events] == [1] * len(events)
    assert await transactions_of(schema.pool, events) <= 4  # 40 events, batches of up to 50


async def test_a_fetch_over_several_partitions_is_applied_in_one_transaction(
    schema: Schema,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
    start_consumer: Callable[[str], asyncio.Task[None]],
) -> None:
    """Events of many tickets (all three partitions) fetched together share one commit; each
    ticket's own events still apply in order."""
    async with schema.pool.acquire() as conn:
        await conn.execute("ALTER TABLE effects ADD COLUMN applied bigserial")
    keys = [f"ticket-{k}" for k in range(12)]
    events = [(key, ticket_created(f"{key} {n}")) for n in range(3) for key in keys]
    for key, event in events:
        await send(producer, names, event.to_bytes(), key)
    group = f"g-{uuid.uuid4().hex[:8]}"
    start_consumer(group)
    await eventually(
        lambda: _committed_at_least(kafka_bootstrap, group, len(events)),
        what="every event to be applied and committed",
    )
    assert await transactions_of(schema.pool, [e for _, e in events]) <= 2
    async with schema.pool.acquire() as conn:
        subjects = [
            r["subject"] for r in await conn.fetch("SELECT subject FROM effects ORDER BY applied")
        ]
    for key in keys:
        assert [int(s.split()[1]) for s in subjects if s.split()[0] == key] == [0, 1, 2]


async def test_a_failing_event_undoes_its_batch_which_is_redone_one_event_at_a_time(
    schema: Schema,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
    start_consumer: Callable[[str], asyncio.Task[None]],
) -> None:
    """The batch's effects are rolled back with the failure, then every other event is applied
    once, in order, and the failing one is dead-lettered after its own attempts."""
    key = str(uuid.uuid4())
    before, failing, after = (
        ticket_created("before"),
        ticket_created(EXPLODE),
        ticket_created("after"),
    )
    for event in (before, before, failing, after):  # `before` twice: one effect
        await send(producer, names, event.to_bytes(), key)
    group = f"g-{uuid.uuid4().hex[:8]}"
    start_consumer(group)
    await eventually(
        lambda: _committed_at_least(kafka_bootstrap, group, 4),
        what="the batch to be applied and committed",
    )
    assert [await effects_of(schema.pool, e.id) for e in (before, failing, after)] == [1, 0, 1]
    letters = await read_records(
        bootstrap=kafka_bootstrap,
        topic=names.physical(dlq_topic(TICKETS, CONSUMER_SERVICE)),
        count=1,
    )
    assert letters[0].value == failing.to_bytes()
    assert dict(letters[0].headers)["dlq-attempts"] == b"3"


async def _committed_at_least(bootstrap: str, group: str, count: int) -> bool:
    return await committed_total(bootstrap=bootstrap, group=group) >= count
