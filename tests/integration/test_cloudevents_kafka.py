"""Our real records, read back from the real broker through the official CloudEvents SDKs'
Kafka bindings (Python `cloudevents`, JavaScript `cloudevents` in tests/cloudevents_js), so
"No CloudEvent detected" can never come back: outbox, dead letters and CLI replays."""

import asyncio
import dataclasses
import json
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord
from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka_event
from cloudevents.v1.kafka import KafkaMessage as V1KafkaMessage
from cloudevents.v1.kafka import from_structured as v1_from_structured

from tests.integration.conftest import CONSUMER_SERVICE, Schema
from tests.kafka_helpers import read_records
from ticketflow_cli.commands.dead_letter_queue import replay_record
from ticketflow_common.cloudevents_kafka import STRUCTURED_CONTENT_TYPE
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import TicketCreated
from ticketflow_common.kafka import new_consumer
from ticketflow_common.outbox import enqueue_event
from ticketflow_common.relay import OutboxRelay
from ticketflow_common.topics import TICKETS, TopicNames, dlq_topic

pytestmark = pytest.mark.integration

JS_READER = Path(__file__).resolve().parents[1] / "cloudevents_js"
Record: TypeAlias = ConsumerRecord[bytes, bytes]


def created(subject: str = "printer on fire") -> Envelope:
    ticket_id = uuid.uuid4()
    data = TicketCreated(
        ticket_id=ticket_id,
        subject=subject,
        priority="urgent",
        required_skills=["hardware"],
        requester_id="u-1",
        created_at=datetime.now(UTC),
    )
    return new_event(data, source="/tests", subject=str(ticket_id))


def content_types(record: Record) -> list[bytes]:
    return [v for k, v in record.headers if k.lower() == "content-type"]


def read_with_python_sdk(record: Record) -> dict[str, Any]:
    """The core binding (mode detected from the headers) and the v1 structured reader."""
    headers = {k: v for k, v in record.headers}
    event = from_kafka_event(KafkaMessage(headers=headers, key=record.key, value=record.value))
    attributes = event.get_attributes()
    v1 = v1_from_structured(V1KafkaMessage(headers=headers, key=record.key, value=record.value))
    assert v1["id"] == attributes["id"]
    assert v1["datacontenttype"] == STRUCTURED_CONTENT_TYPE  # the binding maps the header
    return {**attributes, "data": event.get_data()}


def read_with_javascript_sdk(records: list[Record]) -> list[dict[str, Any]]:
    """`Kafka.toEvent` of the official JavaScript SDK, then its spec validation, per record."""
    node = shutil.which("node")
    assert node is not None, "node is needed (Debian's nodejs): the JavaScript SDK reads records"
    if not (JS_READER / "node_modules" / "cloudevents").exists():
        subprocess.run(
            [shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund"],
            cwd=JS_READER,
            check=True,
            timeout=300,
            capture_output=True,
        )
    given = [
        {
            "key": (r.key or b"").decode(),
            "value": (r.value or b"").decode(),
            "headers": {k: v.decode() for k, v in r.headers},
        }
        for r in records
    ]
    done = subprocess.run(
        [node, str(JS_READER / "read_records.js")],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def assert_is(read: dict[str, Any], event: Envelope) -> None:
    assert read["specversion"] == "1.0"
    assert read["id"] == str(event.id)
    assert read["type"] == event.type
    assert read["source"] == event.source
    assert read["subject"] == event.subject
    assert read["dataschema"] == (f"https://ticketflow.dev/schemas/{TICKETS}/{event.type}.json")
    assert read["data"] == event.data


async def relayed(
    schema: Schema, producer: AIOKafkaProducer, names: TopicNames, events: list[Envelope]
) -> None:
    async with schema.pool.acquire() as conn, conn.transaction():
        for event in events:
            await enqueue_event(conn=conn, event=event, topic=TICKETS, key=event.subject)
    relay = OutboxRelay(
        service="itest", schema=schema.name, pool=schema.pool, producer=producer, topics=names
    )
    assert await relay.publish_batch() == len(events)


async def test_relayed_events_are_structured_cloudevents_to_both_official_sdks(
    schema: Schema, producer: AIOKafkaProducer, names: TopicNames, kafka_bootstrap: str
) -> None:
    events = [created(), created("VPN down")]
    await relayed(schema, producer, names, events)
    records = await read_records(
        bootstrap=kafka_bootstrap, topic=names.physical(TICKETS), count=len(events)
    )
    by_id = {json.loads(r.value or b"")["id"]: r for r in records}
    assert set(by_id) == {str(e.id) for e in events}
    for event in events:
        record = by_id[str(event.id)]
        assert content_types(record) == [STRUCTURED_CONTENT_TYPE.encode()]
        assert_is(read_with_python_sdk(record), event)
        assert read_with_python_sdk(record)["partitionkey"] == event.subject

    javascript = read_with_javascript_sdk([by_id[str(e.id)] for e in events])
    for event, result in zip(events, javascript, strict=True):
        assert "error" not in result, result
        assert_is(result["event"], event)
        assert result["event"]["partitionkey"] == event.subject


async def test_without_the_header_the_javascript_sdk_finds_no_cloudevent(
    schema: Schema, producer: AIOKafkaProducer, names: TopicNames, kafka_bootstrap: str
) -> None:
    """The regression this guards: the same record without `content-type` is refused."""
    event = created()
    await relayed(schema, producer, names, [event])
    (record,) = await read_records(
        bootstrap=kafka_bootstrap, topic=names.physical(TICKETS), count=1
    )
    stripped = dataclasses.replace(
        record, headers=tuple((k, v) for k, v in record.headers if k != "content-type")
    )
    (ours, bare) = read_with_javascript_sdk([record, stripped])
    assert "event" in ours, ours
    assert bare == {"error": "No CloudEvent detected"}


async def always_fail(conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated) -> None:
    raise ValueError(f"cannot handle ticket {event.ticket_id}")


async def test_dead_letters_and_their_cli_replays_stay_structured_cloudevents(
    schema: Schema, producer: AIOKafkaProducer, names: TopicNames, kafka_bootstrap: str
) -> None:
    failing = created()
    not_json = b"{this is not json"
    key = failing.subject.encode()
    for value in (not_json, failing.to_bytes()):
        await producer.send_and_wait(names.physical(TICKETS), value=value, key=key)
    consumer = EventConsumer(
        service=CONSUMER_SERVICE,
        pool=schema.pool,
        producer=producer,
        bootstrap_servers=kafka_bootstrap,
        topics=[TICKETS],
        names=names,
        handlers={TicketCreated.event_type: always_fail},
        group_id=f"g-{uuid.uuid4().hex[:8]}",
        max_attempts=2,
        retry_base_seconds=0.01,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(consumer.run(stop))
    try:
        letters = await read_records(
            bootstrap=kafka_bootstrap,
            topic=names.physical(dlq_topic(TICKETS, CONSUMER_SERVICE)),
            count=2,
        )
    finally:
        stop.set()
        await running
    garbage, letter = letters
    assert garbage.value == not_json
    assert content_types(garbage) == []  # not a CloudEvent: not labelled as one
    assert content_types(letter) == [STRUCTURED_CONTENT_TYPE.encode()]
    assert dict(letter.headers)["dlq-error-type"] == b"ValueError"
    assert_is(read_with_python_sdk(letter), failing)

    reader = new_consumer(bootstrap_servers=kafka_bootstrap, group_id=None, client_id="itest-cli")
    await reader.start()
    try:
        replayed = await replay_record(
            producer=producer, consumer=reader, names=names, record=letter
        )
    finally:
        await reader.stop()
    again = await read_records(bootstrap=kafka_bootstrap, topic=names.physical(TICKETS), count=3)
    (replay,) = [
        r for r in again if (r.partition, r.offset) == (replayed.partition, replayed.offset)
    ]
    assert content_types(replay) == [STRUCTURED_CONTENT_TYPE.encode()]
    assert not any(k.startswith("dlq-") for k, _ in replay.headers)
    assert_is(read_with_python_sdk(replay), failing)
    (dead, replayed_js) = read_with_javascript_sdk([letter, replay])
    for result in (dead, replayed_js):
        assert "error" not in result, result
        assert_is(result["event"], failing)
