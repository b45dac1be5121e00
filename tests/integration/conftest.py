"""Fixtures for tests against the real Postgres and Kafka: a fresh schema, fresh topics."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from tests.kafka_helpers import delete_topics
from tests.support.harness import stop_unstarted_producers
from ticketflow_common.db import create_pool
from ticketflow_common.kafka import new_producer
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.migrations import Migration, apply_migrations, load_migrations
from ticketflow_common.topics import TICKETS, TopicNames, dlq_topic

CONSUMER_SERVICE = "itest"
EFFECTS_TABLE = Migration(
    name="itest/0001_effects.sql",
    sql="CREATE TABLE effects (event_id uuid NOT NULL, ticket_id uuid NOT NULL, subject text)",
)


@pytest.fixture(autouse=True)
async def _close_harness_producers() -> AsyncIterator[None]:
    """Harness runtimes hold a producer they never start: close it after each test."""
    yield
    await stop_unstarted_producers()


@dataclass(frozen=True)
class Schema:
    name: str
    pool: asyncpg.Pool


@pytest.fixture
async def schema(database_url: str) -> AsyncIterator[Schema]:
    """A schema holding the shared outbox/inbox tables and an `effects` table."""
    name = f"it_{uuid.uuid4().hex[:10]}"
    pool = await create_pool(dsn=database_url, schema=name, max_size=5)
    async with pool.acquire() as conn:
        await apply_migrations(
            conn=conn,
            schema=name,
            migrations=[*load_migrations("ticketflow_common", label="common"), EFFECTS_TABLE],
        )
    yield Schema(name, pool)
    await pool.close()


@pytest.fixture
async def names(kafka_bootstrap: str) -> AsyncIterator[TopicNames]:
    """Topic names under a prefix of this test's own; the topics are deleted afterwards."""
    names = TopicNames(f"it{uuid.uuid4().hex[:10]}.")
    await ensure_topics(
        bootstrap_servers=kafka_bootstrap,
        names=names,
        partitions=3,
        only=[TICKETS, dlq_topic(TICKETS, CONSUMER_SERVICE)],
    )
    yield names
    await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = new_producer(kafka_bootstrap, client_id="itest")
    await producer.start()
    yield producer
    await producer.stop()
