"""Consumer lag is read from the broker on a timer: it keeps rising while a handler is stuck,
when the consumer commits nothing, and falls back to 0 once it is released."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.conftest import Schema
from tests.integration.test_event_consumer import send
from tests.kafka_helpers import committed_total, total_end_offset
from tests.polling import eventually
from tests.support.events import ticket_created
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import TicketCreated
from ticketflow_common.metrics import CONSUMER_LAG
from ticketflow_common.topics import TICKETS, TopicNames

pytestmark = pytest.mark.integration

SERVICE = "itest-lag"


@dataclass
class StuckHandler:
    """Blocks on the first event until the test releases it."""

    entered: asyncio.Event
    release: asyncio.Event

    async def __call__(self, conn: asyncpg.Connection, envelope: Envelope, event: object) -> None:
        self.entered.set()
        await self.release.wait()


@pytest.fixture
async def stuck(
    schema: Schema, producer: AIOKafkaProducer, names: TopicNames, kafka_bootstrap: str
) -> AsyncIterator[tuple[StuckHandler, str]]:
    handler = StuckHandler(asyncio.Event(), asyncio.Event())
    group = f"lag-{uuid.uuid4().hex[:8]}"
    consumer = EventConsumer(
        service=SERVICE,
        pool=schema.pool,
        producer=producer,
        bootstrap_servers=kafka_bootstrap,
        topics=[TICKETS],
        names=names,
        handlers={TicketCreated.event_type: handler},
        group_id=group,
        lag_interval_seconds=0.2,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    yield handler, group
    handler.release.set()
    stop.set()
    await task


def reported_lag() -> float:
    """The sum of this consumer's lag gauge over partitions, as /metrics would show it."""
    return sum(
        sample.value
        for metric in CONSUMER_LAG.collect()
        for sample in metric.samples
        if sample.labels["service"] == SERVICE and sample.labels["topic"] == TICKETS
    )


async def lag_reaches(expected: float) -> bool:
    return reported_lag() == expected


async def test_a_stuck_consumers_lag_keeps_rising_as_events_arrive(
    stuck: tuple[StuckHandler, str],
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
) -> None:
    handler, group = stuck
    await send(producer, names, ticket_created().to_bytes(), "one-key")
    await asyncio.wait_for(handler.entered.wait(), timeout=30)

    produced = 1
    for more in (3, 5):
        for _ in range(more):
            await send(producer, names, ticket_created().to_bytes(), "one-key")
        produced += more
        assert await total_end_offset(bootstrap=kafka_bootstrap, topic=names.physical(TICKETS)) == (
            produced
        )
        await eventually(
            partial(lag_reaches, produced), what=f"the lag gauge to show {produced} events behind"
        )
        assert await committed_total(bootstrap=kafka_bootstrap, group=group) == 0, "stuck"

    handler.release.set()
    await eventually(lambda: lag_reaches(0), what="the lag to fall to 0 once released")
    assert await committed_total(bootstrap=kafka_bootstrap, group=group) == 9, "read after commit"
