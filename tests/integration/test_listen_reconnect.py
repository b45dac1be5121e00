"""LISTEN survives a Postgres restart: the instant NOTIFY wake-up comes back on its own.

Each test restarts a private throwaway cluster (tests/private_postgres.py), never the shared one.
"""

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.test_outbox_relay import ticket_created
from tests.polling import eventually
from tests.private_postgres import PrivatePostgres, private_postgres
from ticketflow_common.db import create_pool
from ticketflow_common.migrations import apply_migrations, load_migrations
from ticketflow_common.outbox import enqueue_event, outbox_backlog
from ticketflow_common.relay import OutboxRelay
from ticketflow_common.topics import TICKETS, TopicNames
from ticketflow_common.wakeups import listening

pytestmark = pytest.mark.integration

# Far longer than any deadline below: a wake-up within them can only come from a NOTIFY.
NO_POLLING_SECONDS = 3600.0
WAKE_WITHIN_SECONDS = 3.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivatePostgres]:
    """One private cluster for the module; each test restarts it."""
    with private_postgres() as pg:
        yield pg


def holds(check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    """An `eventually` probe of an in-memory condition."""

    async def probe() -> bool:
        return check()

    return probe


async def notify(url: str, channel: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SELECT pg_notify($1, '')", channel)
    finally:
        await conn.close()


async def listening_sessions(url: str) -> int:
    """Sessions whose last statement was a LISTEN (what a listener leaves in pg_stat_activity)."""
    conn = await asyncpg.connect(url)
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN %'"
        )
        return count
    finally:
        await conn.close()


async def test_a_listener_is_woken_by_notify_again_after_postgres_restarts(
    cluster: PrivatePostgres,
) -> None:
    pool = await create_pool(dsn=cluster.url, schema="public", max_size=3)
    heard = asyncio.Event()
    try:
        async with listening(pool, "tf_wake", heard.set) as listener:
            await eventually(holds(listener.listening.is_set), what="first LISTEN")
            heard.clear()
            await notify(cluster.url, "tf_wake")
            await eventually(
                holds(heard.is_set),
                what="wake-up before the restart",
                within=WAKE_WITHIN_SECONDS,
            )

            await cluster.restart()

            await eventually(
                holds(lambda: listener.connections >= 2 and listener.listening.is_set()),
                what="LISTEN on a new connection after the restart",
            )
            heard.clear()
            await notify(cluster.url, "tf_wake")
            await eventually(
                holds(heard.is_set),
                what="wake-up after the restart",
                within=WAKE_WITHIN_SECONDS,
            )
    finally:
        await pool.close()


async def test_the_outbox_relay_publishes_at_once_again_after_postgres_restarts(
    cluster: PrivatePostgres, producer: AIOKafkaProducer, names: TopicNames
) -> None:
    schema = f"it_{uuid.uuid4().hex[:10]}"
    pool = await create_pool(dsn=cluster.url, schema=schema, max_size=4)
    async with pool.acquire() as conn:
        await apply_migrations(
            conn=conn,
            schema=schema,
            migrations=load_migrations("ticketflow_common", label="common"),
        )
    relay = OutboxRelay(
        service="itest",
        schema=schema,
        pool=pool,
        producer=producer,
        topics=names,
        idle_poll_seconds=NO_POLLING_SECONDS,
    )

    async def enqueue_and_see_it_published(when: str) -> None:
        event = ticket_created()
        async with pool.acquire() as conn, conn.transaction():
            await enqueue_event(conn=conn, event=event, topic=TICKETS, key=event.subject)

        async def drained() -> bool:
            async with pool.acquire() as conn:
                return await outbox_backlog(conn=conn) == 0

        await eventually(drained, what=f"the outbox drained {when}", within=WAKE_WITHIN_SECONDS)

    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    try:
        await eventually(lambda: listening_sessions(cluster.url), what="the relay's LISTEN")
        await enqueue_and_see_it_published("before the restart")

        await cluster.restart()

        await eventually(
            lambda: listening_sessions(cluster.url), what="the relay's LISTEN after the restart"
        )
        await enqueue_and_see_it_published("after the restart")  # may ride the reconnect wake-up
        await enqueue_and_see_it_published("after the restart, woken by NOTIFY")
    finally:
        stop.set()
        await running
        await pool.close()
