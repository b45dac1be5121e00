"""Rebuild: the facts replayed from the topics equal the facts the live consumer made."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.insights.conftest import InsightsHarness
from tests.kafka_helpers import delete_topics
from tests.polling import eventually
from tests.support.clock import MONDAY
from tests.support.insights_facts import FACTS_TABLES, facts_history, synthetic_events
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.kafka import new_producer
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.topics import TopicNames, dlq_topic
from ticketflow_insights.commands.facts_rebuild import consumed_topics, rebuild_facts
from ticketflow_insights.messaging.events import FACTS_TABLE

pytestmark = pytest.mark.integration

TOPICS = consumed_topics(FACTS_TABLE)


@pytest.fixture
async def names(kafka_bootstrap: str) -> AsyncIterator[TopicNames]:
    """Insights' consumed topics (and their DLQs) under a prefix of this test's own."""
    names = TopicNames(f"it{uuid.uuid4().hex[:10]}.")
    await ensure_topics(
        bootstrap_servers=kafka_bootstrap,
        names=names,
        partitions=3,
        only=[*TOPICS, *(dlq_topic(t, "insights") for t in TOPICS)],
    )
    yield names
    await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = new_producer(kafka_bootstrap, client_id="itest-insights")
    await producer.start()
    yield producer
    await producer.stop()


async def publish(producer: AIOKafkaProducer, names: TopicNames, envelopes: list[Envelope]) -> None:
    for envelope in envelopes:
        topic = names.physical(EVENT_MODELS[envelope.type].topic)
        await producer.send(topic, value=envelope.to_bytes(), key=envelope.subject.encode())
    await producer.flush()


async def snapshot(insights: InsightsHarness) -> dict[str, list[tuple[Any, ...]]]:
    """Every facts table's rows, in a stable order."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for table in FACTS_TABLES:
        rows = await insights.fetch(f"SELECT * FROM {table}")
        tables[table] = sorted((tuple(r.values()) for r in rows), key=repr)
    return tables


async def processed_count(insights: InsightsHarness) -> int:
    rows = await insights.fetch("SELECT count(*) AS n FROM processed_events")
    count: int = rows[0]["n"]
    return count


async def ingest_live(
    insights: InsightsHarness,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
    expected: int,
) -> None:
    """The service's own consumer, on its event table, until `expected` events are applied."""
    stop = asyncio.Event()
    consumer = EventConsumer(
        service="insights",
        pool=insights.pool,
        producer=producer,
        bootstrap_servers=kafka_bootstrap,
        topics=TOPICS,
        names=names,
        handlers=dict(insights.handlers),
        group_id=f"{names.prefix}insights",
    )
    task = asyncio.create_task(consumer.run(stop))
    try:

        async def applied() -> bool:
            return await processed_count(insights) >= expected

        await eventually(applied, what=f"{expected} events applied live", within=60)
    finally:
        stop.set()
        await task


@pytest.mark.parametrize("batch_size", [2000, 7])
async def test_rebuild_reproduces_live_ingestion(
    insights: InsightsHarness,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
    batch_size: int,
) -> None:
    envelopes = facts_history(MONDAY).envelopes + synthetic_events(MONDAY, tickets=60)
    duplicate = envelopes[5]
    await publish(producer, names, [*envelopes, duplicate])
    await producer.send_and_wait(names.physical(TOPICS[0]), value=b"not json", key=b"x")
    await ingest_live(insights, producer, names, kafka_bootstrap, expected=len(envelopes))
    live = await snapshot(insights)
    assert len(live["tickets"]) == 62
    assert sum(row[-1] for row in live["arrivals"]) == 62

    async with insights.pool.acquire() as conn:  # a fact gone wrong: the rebuild mends it
        await conn.execute("UPDATE tickets SET agent_replies = 99")
        await conn.execute("DELETE FROM arrivals")

    report = await rebuild_facts(
        pool=insights.pool,
        table=FACTS_TABLE,
        bootstrap_servers=kafka_bootstrap,
        names=names,
        batch_size=batch_size,
    )

    assert await snapshot(insights) == live
    assert report.records == len(envelopes) + 2
    assert report.applied == len(envelopes)
    assert report.duplicates == 1
    assert report.unparseable == 1
    assert report.failed == 0
    assert report.by_type["ticket.created"] == 62
    assert await processed_count(insights) == len(envelopes)


async def test_a_second_rebuild_empties_and_applies_everything_again(
    insights: InsightsHarness, producer: AIOKafkaProducer, names: TopicNames, kafka_bootstrap: str
) -> None:
    await publish(producer, names, synthetic_events(MONDAY, tickets=5, agents=2))
    report = await rebuild_facts(
        pool=insights.pool, table=FACTS_TABLE, bootstrap_servers=kafka_bootstrap, names=names
    )
    assert report.by_type["ticket.created"] == 5
    again = await rebuild_facts(
        pool=insights.pool, table=FACTS_TABLE, bootstrap_servers=kafka_bootstrap, names=names
    )
    assert again.applied == report.applied  # emptied and applied again, not skipped
    assert len(await insights.fetch("SELECT 1 FROM tickets")) == 5


async def test_a_poison_event_is_skipped_and_the_rest_of_its_batch_applied(
    insights: InsightsHarness, producer: AIOKafkaProducer, names: TopicNames, kafka_bootstrap: str
) -> None:
    events = synthetic_events(MONDAY, tickets=8, agents=2)
    poison = insights.created(category="vpn\x00")  # Postgres text holds no NUL: fails in SQL
    await publish(producer, names, [*events, insights.envelope(poison)])
    report = await rebuild_facts(
        pool=insights.pool, table=FACTS_TABLE, bootstrap_servers=kafka_bootstrap, names=names
    )
    assert report.failed == 1
    assert report.applied == len(events)
    assert report.by_type["ticket.created"] == 8
    assert len(await insights.fetch("SELECT 1 FROM tickets")) == 8
    assert await processed_count(insights) == len(events)
