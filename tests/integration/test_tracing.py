"""Spans by the OpenTelemetry conventions, read from the SDK's in-memory exporter: Kafka send and
process spans on the real broker, httpx and asyncpg client spans, the service's name."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.integration.conftest import CONSUMER_SERVICE, Schema
from tests.polling import eventually
from tests.processes import free_port
from tests.running_system import serving
from tests.support.events import ticket_created
from tests.support.spans import named, recorded_spans, trace_id
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import TicketCreated
from ticketflow_common.outbox import enqueue_event
from ticketflow_common.relay import OutboxRelay
from ticketflow_common.topics import TICKETS, TopicNames, dlq_topic
from ticketflow_common.tracing import service_resource

pytestmark = pytest.mark.integration


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return recorded_spans()


async def record_effect(conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated) -> None:
    await conn.execute(
        "INSERT INTO effects (event_id, ticket_id, subject) VALUES ($1, $2, $3)",
        envelope.id,
        event.ticket_id,
        event.subject,
    )


def one(found: list[ReadableSpan]) -> ReadableSpan:
    assert len(found) == 1, [s.name for s in found]
    return found[0]


async def test_an_event_published_and_consumed_has_send_and_process_spans(
    spans: InMemorySpanExporter,
    schema: Schema,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
) -> None:
    event, topic, group = ticket_created(), names.physical(TICKETS), f"g-{uuid.uuid4().hex[:8]}"
    tracer = trace.get_tracer(__name__)
    with tracer.start_as_current_span("POST /tickets") as request:
        async with schema.pool.acquire() as conn, conn.transaction():
            await enqueue_event(conn=conn, event=event, topic=TICKETS, key=event.subject)
    cause = request.get_span_context()

    stop = asyncio.Event()
    relay = OutboxRelay(
        service="itest", schema=schema.name, pool=schema.pool, producer=producer, topics=names
    )
    consumer = EventConsumer(
        service=CONSUMER_SERVICE,
        pool=schema.pool,
        producer=producer,
        bootstrap_servers=kafka_bootstrap,
        topics=[TICKETS],
        names=names,
        handlers={TicketCreated.event_type: record_effect},
        group_id=group,
    )
    running = [asyncio.create_task(relay.run(stop)), asyncio.create_task(consumer.run(stop))]

    async def consumed() -> list[ReadableSpan]:
        return named(spans, f"process {topic}")

    try:
        await eventually(consumed, what="the consumer's span", within=30)
    finally:
        stop.set()
        await asyncio.gather(*running)

    sent = one(named(spans, f"send {topic}"))
    assert sent.kind is trace.SpanKind.PRODUCER
    assert {k: sent.attributes[k] for k in SEND_KEYS} == {  # type: ignore[index]
        "messaging.system": "kafka",
        "messaging.operation.type": "send",
        "messaging.destination.name": topic,
        "messaging.message.id": str(event.id),
    }
    assert isinstance(sent.attributes["messaging.destination.partition.id"], str)  # type: ignore[index]
    offset = sent.attributes["messaging.kafka.offset"]  # type: ignore[index]
    assert [(link.context.trace_id, link.context.span_id) for link in sent.links] == [
        (cause.trace_id, cause.span_id)
    ], "the relay links to the request"
    assert trace_id(sent) != cause.trace_id, "and runs in a trace of its own"

    processed = one(named(spans, f"process {topic}"))
    assert processed.kind is trace.SpanKind.CONSUMER
    assert {k: processed.attributes[k] for k in PROCESS_KEYS} == {  # type: ignore[index]
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": topic,
        "messaging.consumer.group.name": group,
        "messaging.destination.partition.id": sent.attributes[  # type: ignore[index]
            "messaging.destination.partition.id"
        ],
        "messaging.kafka.offset": offset,
        "messaging.message.id": str(event.id),
    }
    assert processed.parent is not None
    assert processed.parent.span_id == cause.span_id, "a consumer continues the request's trace"
    queries = [
        s
        for s in spans.get_finished_spans()
        if s.parent is not None and s.parent.span_id == processed.context.span_id
    ]
    assert any("INSERT INTO effects" in str(s.attributes.get("db.statement")) for s in queries)  # type: ignore[union-attr]


SEND_KEYS = (
    "messaging.system",
    "messaging.operation.type",
    "messaging.destination.name",
    "messaging.message.id",
)
PROCESS_KEYS = (
    *SEND_KEYS,
    "messaging.consumer.group.name",
    "messaging.destination.partition.id",
    "messaging.kafka.offset",
)


async def test_an_asyncpg_query_makes_a_client_span_without_its_parameters(
    spans: InMemorySpanExporter, database_url: str
) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        with trace.get_tracer(__name__).start_as_current_span("work"):
            assert await conn.fetchval("SELECT $1::text", "s3cret-值") == "s3cret-值"
        await conn.fetchval("SELECT 2")  # outside any trace: no trace of its own
    finally:
        await conn.close()

    [query] = [s for s in spans.get_finished_spans() if s.kind is trace.SpanKind.CLIENT]
    assert query.attributes is not None
    assert query.attributes["db.system"] == "postgresql"
    assert "SELECT $1::text" in str(query.attributes["db.statement"])
    assert "s3cret" not in repr(dict(query.attributes)), "query parameters are not recorded"
    assert query.parent is not None


@pytest.fixture
async def http_server() -> AsyncIterator[str]:
    async def hook(_request: Request) -> Response:
        return Response(status_code=204)

    port = free_port()
    async with serving(Starlette(routes=[Route("/hook", hook, methods=["POST"])]), port):
        yield f"http://127.0.0.1:{port}"


async def test_an_httpx_call_makes_a_client_span_without_credentials(
    spans: InMemorySpanExporter, http_server: str
) -> None:
    url = http_server.replace("http://", "http://hook-user:pa55word@") + "/hook?token=t0psecret"
    async with httpx.AsyncClient() as client:
        assert (await client.post(url, content=b"{}")).status_code == 204

    [call] = [s for s in spans.get_finished_spans() if s.kind is trace.SpanKind.CLIENT]
    assert call.attributes is not None
    shown = repr(dict(call.attributes))
    for secret in ("hook-user", "pa55word", "t0psecret"):
        assert secret not in shown
    assert any(str(v).endswith("/hook?token=***") for v in call.attributes.values()), shown


def test_otel_service_name_wins_over_the_services_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    assert service_resource("intake").attributes["service.name"] == "intake"
    monkeypatch.setenv("OTEL_SERVICE_NAME", "intake-canary")
    assert service_resource("intake").attributes["service.name"] == "intake-canary"


async def test_a_dead_letter_has_a_send_span_to_the_dlq(
    spans: InMemorySpanExporter,
    schema: Schema,
    producer: AIOKafkaProducer,
    names: TopicNames,
    kafka_bootstrap: str,
) -> None:
    await producer.send_and_wait(names.physical(TICKETS), value=b"not json", key=b"k")
    dlq = names.physical(dlq_topic(TICKETS, CONSUMER_SERVICE))
    stop = asyncio.Event()
    consumer = EventConsumer(
        service=CONSUMER_SERVICE,
        pool=schema.pool,
        producer=producer,
        bootstrap_servers=kafka_bootstrap,
        topics=[TICKETS],
        names=names,
        handlers={TicketCreated.event_type: record_effect},
        group_id=f"g-{uuid.uuid4().hex[:8]}",
    )
    running = asyncio.create_task(consumer.run(stop))

    async def parked() -> list[ReadableSpan]:
        return named(spans, f"send {dlq}")

    try:
        [sent] = await eventually(parked, what="the dead letter's span", within=30)
    finally:
        stop.set()
        await running
    assert sent.kind is trace.SpanKind.PRODUCER
    assert sent.attributes is not None
    assert sent.attributes["messaging.destination.name"] == dlq
    assert sent.attributes["messaging.operation.type"] == "send"
    assert isinstance(sent.attributes["messaging.kafka.offset"], int)
