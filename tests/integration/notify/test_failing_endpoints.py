"""Retries, dead letters, the circuit breaker, disabling a failing endpoint, the SSRF guard."""

import json
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from pydantic import AnyHttpUrl

from tests.integration.notify.conftest import (
    T0,
    FakeClock,
    Receiver,
    SmtpServer,
    build_dispatcher,
    drain,
    fan_out,
    notify_settings,
)
from tests.integration.notify.events import breached
from tests.kafka_helpers import delete_topics, read_records
from ticketflow_common.kafka import new_producer
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.relay import OutboxRelay
from ticketflow_common.topics import NOTIFY, SLA, TopicNames, dlq_topic
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.endpoint_health import HealthPolicy
from ticketflow_notify.domain.endpoints import EndpointChanges, NewEndpoint
from ticketflow_notify.store.endpoints import insert_endpoint, update_endpoint

pytestmark = pytest.mark.integration

NOTIFY_DLQ = dlq_topic(SLA, "notify")


async def add_endpoint(
    pool: asyncpg.Pool, url: str, *, limit: int = 16, owner: str | None = None
) -> uuid.UUID:
    async with pool.acquire() as conn:
        created = await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl(url), max_concurrency=limit, owner_email=owner),
            secret="whsec_failing-endpoint-secret",
        )
    return created.id


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = new_producer(kafka_bootstrap, client_id="notify-itest")
    await producer.start()
    yield producer
    await producer.stop()


async def test_exhausted_deliveries_emit_failed_and_reach_the_dlq_topic(
    notify_pool: asyncpg.Pool,
    receiver: Receiver,
    kafka_bootstrap: str,
    producer: AIOKafkaProducer,
) -> None:
    receiver.answer = lambda _r: 500
    await add_endpoint(notify_pool, receiver.url())
    event = breached(uuid.uuid4())
    await fan_out(notify_pool, event)
    clock = FakeClock(T0)
    async with new_session() as http:
        dispatcher = build_dispatcher(notify_pool, http, clock=clock, schedule=[5.0])
        assert await drain(dispatcher) == 1
        assert await drain(dispatcher) == 0  # the retry is not due yet
        clock.advance(6)
        assert await drain(dispatcher) == 1

    delivery = await notify_pool.fetchrow("SELECT id, status, attempts, last_error FROM deliveries")
    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == (
        "failed",
        2,
        "HTTP 500",
    )
    attempts = await notify_pool.fetch(
        "SELECT attempt, status_code, error, latency_ms FROM delivery_attempts ORDER BY attempt"
    )
    assert [(a["attempt"], a["status_code"], a["error"]) for a in attempts] == [
        (1, 500, "HTTP 500"),
        (2, 500, "HTTP 500"),
    ]
    assert all(a["latency_ms"] > 0 for a in attempts)
    assert len({r.headers["ticketflow-delivery-id"] for r in receiver.received}) == 1

    names = TopicNames(f"nt{uuid.uuid4().hex[:10]}.")
    await ensure_topics(
        bootstrap_servers=kafka_bootstrap, names=names, partitions=1, only=[NOTIFY, NOTIFY_DLQ]
    )
    try:
        schema = await notify_pool.fetchval("SELECT current_schema()")
        relay = OutboxRelay(
            service="notify", schema=schema, pool=notify_pool, producer=producer, topics=names
        )
        assert await relay.publish_batch() == 2
        letters = await read_records(
            bootstrap=kafka_bootstrap, topic=names.physical(NOTIFY_DLQ), count=1
        )
        failed = await read_records(
            bootstrap=kafka_bootstrap, topic=names.physical(NOTIFY), count=1
        )
    finally:
        await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)
    assert [json.loads(r.value or b"")["id"] for r in letters] == [str(event.id)]
    headers = {k: v.decode() for k, v in letters[0].headers}
    assert headers["dlq-error-type"] == "DeliveryExhausted"
    assert headers["dlq-error"] == "HTTP 500"
    assert headers["dlq-attempts"] == "2"
    assert headers["dlq-original-topic"] == SLA
    assert headers["dlq-delivery-id"] == str(delivery["id"])
    notice = json.loads(failed[0].value or b"")
    assert notice["type"] == "notification.failed"
    assert notice["data"]["delivery_id"] == str(delivery["id"])
    assert notice["data"]["channel"] == "webhook"


async def test_circuit_opens_then_lets_one_trial_through_then_closes(
    notify_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    healthy = False
    receiver.answer = lambda _r: 204 if healthy else 503
    endpoint_id = await add_endpoint(notify_pool, receiver.url(), limit=1)
    for _ in range(4):
        await fan_out(notify_pool, breached(uuid.uuid4()))
    clock = FakeClock(T0)
    async with new_session() as http:
        dispatcher = build_dispatcher(
            notify_pool,
            http,
            clock=clock,
            schedule=[1.0, 1.0, 1.0, 1.0],
            health=HealthPolicy(failure_threshold=2, open_seconds=60, disable_after_seconds=1e9),
        )
        assert await drain(dispatcher) == 2  # two failures open the circuit
        assert len(receiver.received) == 2
        clock.advance(30)
        assert await drain(dispatcher) == 0  # open: nothing goes out, nothing is used up
        clock.advance(31)
        assert await drain(dispatcher) == 1  # half-open: one trial, it fails, open again
        assert await drain(dispatcher) == 0
        healthy = True
        clock.advance(61)
        assert await drain(dispatcher) == 4  # the trial succeeds and the rest follow
    statuses = await notify_pool.fetch("SELECT status FROM deliveries")
    assert {s["status"] for s in statuses} == {"delivered"}
    endpoint = await notify_pool.fetchrow(
        "SELECT consecutive_failures, circuit_open_until FROM endpoints WHERE id = $1", endpoint_id
    )
    assert tuple(endpoint) == (0, None)


async def test_an_endpoint_failing_for_days_is_disabled_and_its_owner_told(
    notify_pool: asyncpg.Pool, receiver: Receiver, smtp_server: SmtpServer
) -> None:
    receiver.answer = lambda _r: 500
    endpoint_id = await add_endpoint(notify_pool, receiver.url(), owner="ops@example.com")
    await fan_out(notify_pool, breached(uuid.uuid4()))
    clock = FakeClock(T0)
    day = 86_400.0
    async with new_session() as http:
        dispatcher = build_dispatcher(
            notify_pool,
            http,
            clock=clock,
            settings=notify_settings(smtp_port=smtp_server.port),
            schedule=[day, day, day, day],
            health=HealthPolicy(
                failure_threshold=100, open_seconds=1, disable_after_seconds=3 * day
            ),
        )
        for _ in range(3):
            assert await drain(dispatcher) == 1
            clock.advance(day * 1.2)
        # 3.6 days without a success: disabled, and the owner's mail goes out too.
        assert await drain(dispatcher) == 2
        late = breached(uuid.uuid4())
        assert await fan_out(notify_pool, late, now=clock.now) == 0

    endpoint = await notify_pool.fetchrow(
        "SELECT enabled, disabled_reason FROM endpoints WHERE id = $1", endpoint_id
    )
    assert tuple(endpoint) == (False, "HTTP 500")
    notice = await notify_pool.fetchrow(
        "SELECT channel, target, status FROM deliveries WHERE endpoint_id IS NULL"
    )
    assert tuple(notice) == ("email", "email:ops@example.com", "delivered")
    [mail] = smtp_server.mailbox.messages
    assert mail["To"] == "ops@example.com"
    assert mail["Subject"] == f"Ticketflow webhook endpoint disabled: {receiver.url()}"
    assert f"PATCH /endpoints/{endpoint_id}" in mail.get_content()
    types = [r["event_type"] for r in await notify_pool.fetch("SELECT event_type FROM outbox")]
    assert "notification.endpoint_disabled" in types

    async with notify_pool.acquire() as conn:
        enabled = await update_endpoint(
            conn=conn, endpoint_id=endpoint_id, changes=EndpointChanges(enabled=True)
        )
    assert enabled is not None
    assert (enabled.enabled, enabled.consecutive_failures, enabled.disabled_at) == (True, 0, None)


async def test_send_time_guard_refuses_loopback_that_is_not_allow_listed(
    notify_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    """Registered while loopback was allowed; the replica sending it does not allow it."""
    await add_endpoint(notify_pool, receiver.url())
    await fan_out(notify_pool, breached(uuid.uuid4()))
    strict = notify_settings(allowed_private_networks=[])
    async with new_session() as http:
        dispatcher = build_dispatcher(notify_pool, http, clock=FakeClock(T0), settings=strict)
        assert await drain(dispatcher) == 1
    assert receiver.received == []
    error = await notify_pool.fetchval("SELECT error FROM delivery_attempts")
    assert error.startswith("refused: 127.0.0.1 resolves to 127.0.0.1 is a loopback address")
