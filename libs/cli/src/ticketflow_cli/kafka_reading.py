"""Reading topics without a consumer group: assigned partitions, explicit positions, no commits.

The CLI never joins a service's group nor commits offsets, so following or listing a topic
can neither steal partitions from a service nor move its position.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaConnectionError, KafkaError

from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_common import topics
from ticketflow_common.kafka import new_consumer, new_producer

Record: TypeAlias = ConsumerRecord[bytes, bytes]
CLIENT_ID = "ticketflow-cli"
TOPIC_ALIASES = {
    "tickets": topics.TICKETS,
    "routing": topics.ROUTING,
    "sla": topics.SLA,
    "notify": topics.NOTIFY,
}


def resolve_topic(name: str) -> str:
    """`tickets` -> `tickets.events.v1`; full (logical) names pass through."""
    return TOPIC_ALIASES.get(name, name)


def unreachable(bootstrap_servers: str, exc: BaseException) -> CommandFailed:
    return CommandFailed(
        f"Kafka is not reachable at {bootstrap_servers} ({exc}); "
        "set TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS",
        code=ExitCode.UNREACHABLE,
    )


@asynccontextmanager
async def _started(
    client: AIOKafkaConsumer | AIOKafkaProducer, bootstrap_servers: str
) -> AsyncIterator[None]:
    """Start `client` (a clear exit code when Kafka does not answer) and stop it afterwards."""
    try:
        await client.start()
    except KafkaError as exc:
        await client.stop()
        raise unreachable(bootstrap_servers, exc) from exc
    try:
        yield
    finally:
        await client.stop()


@asynccontextmanager
async def group_less_consumer(bootstrap_servers: str) -> AsyncIterator[AIOKafkaConsumer]:
    consumer = new_consumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        client_id=CLIENT_ID,
        request_timeout_ms=15_000,
    )
    async with _started(consumer, bootstrap_servers):
        yield consumer


@asynccontextmanager
async def producer_for_replay(bootstrap_servers: str) -> AsyncIterator[AIOKafkaProducer]:
    """The services' producer settings: idempotent, acks=all."""
    producer = new_producer(bootstrap_servers, client_id=CLIENT_ID)
    async with _started(producer, bootstrap_servers):
        yield producer


async def existing_topics(consumer: AIOKafkaConsumer) -> set[str]:
    try:
        found: set[str] = await consumer.topics()
    except KafkaConnectionError as exc:
        raise CommandFailed(f"Kafka stopped answering: {exc}", code=ExitCode.UNREACHABLE) from exc
    return found


async def partitions_of(
    consumer: AIOKafkaConsumer, physical_topics: list[str]
) -> list[TopicPartition]:
    """Every partition of the topics; a topic that does not exist is an error naming it."""
    known = await existing_topics(consumer)
    missing = [t for t in physical_topics if t not in known]
    if missing:
        raise CommandFailed(
            f"no such topic: {', '.join(missing)} (is TICKETFLOW_TOPIC_PREFIX right?)",
            code=ExitCode.NOT_FOUND,
        )
    if any(consumer.partitions_for_topic(t) is None for t in physical_topics):
        # Created after this client bootstrapped: refresh its view of the cluster.
        await consumer._client.force_metadata_update()
    return [
        TopicPartition(topic, p)
        for topic in physical_topics
        for p in sorted(consumer.partitions_for_topic(topic) or ())
    ]


async def assign_at(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition], *, from_beginning: bool
) -> None:
    """Assign and settle every position now, so nothing published afterwards is missed."""
    consumer.assign(partitions)
    if from_beginning:
        await consumer.seek_to_beginning(*partitions)
    else:
        await consumer.seek_to_end(*partitions)
    for partition in partitions:
        await consumer.position(partition)


async def read_to_current_end(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    *,
    keep: Callable[[Record], bool] = lambda _: True,
    within: float = 30.0,
) -> list[Record]:
    """Every record from the beginning up to the end offsets of now (a snapshot), in order."""
    if not partitions:
        return []
    ends = await consumer.end_offsets(partitions)
    await assign_at(consumer, partitions, from_beginning=True)
    records: list[Record] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    pending = {tp for tp in partitions if await consumer.position(tp) < ends[tp]}
    while pending:
        if loop.time() > deadline:
            raise CommandFailed(
                f"reading {len(pending)} partition(s) took longer than {within:.0f} s",
                code=ExitCode.UNREACHABLE,
            )
        batches = await consumer.getmany(*pending, timeout_ms=500)
        for tp, batch in batches.items():
            records.extend(r for r in batch if r.offset < ends[tp] and keep(r))
        pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
    return records


async def read_one(consumer: AIOKafkaConsumer, partition: TopicPartition, offset: int) -> Record:
    """The record at exactly this offset, or a not-found error."""
    ends = await consumer.end_offsets([partition])
    starts = await consumer.beginning_offsets([partition])
    if not starts[partition] <= offset < ends[partition]:
        held = (
            f"offsets {starts[partition]}..{ends[partition] - 1}"
            if ends[partition] > starts[partition]
            else "no records"
        )
        raise CommandFailed(
            f"{partition.topic} partition {partition.partition} has {held}, not offset {offset}",
            code=ExitCode.NOT_FOUND,
        )
    consumer.assign([partition])
    consumer.seek(partition, offset)
    record: Record = await asyncio.wait_for(consumer.getone(partition), timeout=30)
    if record.offset != offset:
        raise CommandFailed(
            f"{partition.topic} partition {partition.partition} offset {offset} is gone "
            f"(the next record is at {record.offset})",
            code=ExitCode.NOT_FOUND,
        )
    return record
