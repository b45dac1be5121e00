"""`/readyz` answers 200 while Postgres answers, Kafka or not (routes write to the outbox); 503
once Postgres is gone, or Kafka for a replica set to need it; the body names what is down."""

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.processes import free_port
from ticketflow_common.db import create_pool
from ticketflow_common.kafka import new_producer
from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import build_app
from ticketflow_common.topics import TopicNames
from ticketflow_common.web import create_app
from ticketflow_intake.main import spec
from ticketflow_intake.settings import IntakeSettings

pytestmark = pytest.mark.integration


@pytest.fixture
async def runtime(
    database_url: str, kafka_bootstrap: str
) -> AsyncIterator[Runtime[IntakeSettings]]:
    settings = IntakeSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        api_token="readiness-test-token-0123456789",
    )
    pool = await create_pool(dsn=database_url, schema="readiness", max_size=2)
    producer = new_producer(kafka_bootstrap, client_id="readiness-test")
    await producer.start()
    yield Runtime(
        service="intake", settings=settings, pool=pool, producer=producer, names=TopicNames()
    )
    await producer.stop()
    if not pool._closed:
        await pool.close()


def client_for(runtime: Runtime[IntakeSettings]) -> httpx.AsyncClient:
    app = create_app(runtime=runtime, title="readiness", routers=[])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc")


async def test_ready_while_both_answer_and_not_once_postgres_is_gone(
    runtime: Runtime[IntakeSettings],
) -> None:
    async with client_for(runtime) as http:
        ready = await http.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {
            "status": "ready",
            "needs": ["postgres"],
            "down": [],
            "postgres": "ok",
            "kafka": "ok",
            "consumers": "ok",
        }

        await runtime.pool.close()
        gone = await http.get("/readyz")
        assert gone.status_code == 503
        assert gone.json()["status"] == "not ready"
        assert gone.json()["down"] == ["postgres"]
        assert gone.json()["postgres"].startswith("failing")
        assert gone.json()["kafka"] == "ok"
        assert (await http.get("/healthz")).status_code == 200, "liveness is not readiness"
        assert (await http.get("/metrics")).status_code == 200


async def test_ready_but_degraded_when_kafka_does_not_answer(
    runtime: Runtime[IntakeSettings],
) -> None:
    """The outbox absorbs a Kafka outage: taking the replica out of service would not help."""
    silent = new_producer(f"127.0.0.1:{free_port()}", client_id="readiness-silent")
    unreachable = dataclasses.replace(runtime, producer=silent)
    async with client_for(unreachable) as http:
        degraded = await http.get("/readyz")
    await silent.stop()
    assert degraded.status_code == 200, degraded.text
    assert degraded.json()["status"] == "degraded"
    assert degraded.json()["down"] == ["kafka"]
    assert degraded.json()["kafka"].startswith("failing")
    assert degraded.json()["postgres"] == "ok"


async def test_a_replica_set_to_need_kafka_is_not_ready_without_it(
    runtime: Runtime[IntakeSettings],
) -> None:
    """A consumer-only replica does nothing useful without Kafka and its group."""
    settings = runtime.settings.model_copy(update={"readiness_needs_kafka": True})
    silent = new_producer(f"127.0.0.1:{free_port()}", client_id="readiness-silent")
    needs_kafka = dataclasses.replace(runtime, settings=settings, producer=silent)
    async with client_for(needs_kafka) as http:
        down = await http.get("/readyz")
    await silent.stop()
    assert down.status_code == 503
    assert down.json()["status"] == "not ready"
    assert down.json()["needs"] == ["postgres", "kafka", "consumers"]
    assert down.json()["down"] == ["kafka"]


async def test_requests_answer_503_with_retry_after_while_postgres_is_away(
    database_url: str, kafka_bootstrap: str
) -> None:
    """Nothing was changed, so clients may retry; not an opaque 500."""
    settings = IntakeSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        api_token="readiness-test-token-0123456789",
    )
    pool = await create_pool(dsn=database_url, schema="intake", max_size=2)
    await pool.close()
    producer = new_producer(kafka_bootstrap, client_id="unused")
    runtime = Runtime(
        service="intake", settings=settings, pool=pool, producer=producer, names=TopicNames()
    )
    transport = httpx.ASGITransport(app=build_app(spec(settings), runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
        answer = await http.post(
            "/tickets",
            json={"subject": "s", "requester": {"id": "u"}},
            headers={"Authorization": "Bearer readiness-test-token-0123456789"},
        )
    await producer.stop()
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.headers["content-type"] == "application/problem+json"
