"""Reads topics from their beginning up to the end offsets seen at the start: partitions
assigned by hand, no consumer group, nothing committed (the live consumer is untouched)."""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition


@dataclass(frozen=True)
class ReplayBounds:
    """Where each partition's replay starts and where it stops (exclusive)."""

    start: dict[TopicPartition, int]
    end: dict[TopicPartition, int]

    @property
    def records(self) -> int:
        return sum(self.end[tp] - self.start[tp] for tp in self.end)


async def _partitions(consumer: AIOKafkaConsumer, topics: Sequence[str]) -> list[TopicPartition]:
    await consumer._client.force_metadata_update()  # topics made since the client started
    found: list[TopicPartition] = []
    for topic in topics:
        found += [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
    return found


class TopicReplay:
    """`async with TopicReplay(...) as replay`: `replay.bounds`, then `async for records in
    replay.batches()`, each partition's records in their order."""

    def __init__(
        self, *, bootstrap_servers: str, topics: Sequence[str], max_records: int = 2000
    ) -> None:
        self.topics = list(topics)
        self.max_records = max_records
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            enable_auto_commit=False,
            group_id=None,
            client_id="insights-rebuild",
            max_partition_fetch_bytes=4 * 1024 * 1024,
            fetch_max_bytes=32 * 1024 * 1024,
        )
        self.bounds = ReplayBounds({}, {})

    async def __aenter__(self) -> "TopicReplay":
        await self.consumer.start()
        partitions = await _partitions(self.consumer, self.topics)
        self.consumer.assign(partitions)
        start = await self.consumer.beginning_offsets(partitions)
        end = await self.consumer.end_offsets(partitions)
        self.bounds = ReplayBounds(start=dict(start), end=dict(end))
        for tp in partitions:
            self.consumer.seek(tp, start[tp])
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.consumer.stop()

    async def batches(self) -> AsyncIterator[list[ConsumerRecord[bytes, bytes]]]:
        end = self.bounds.end
        remaining = {tp for tp in end if end[tp] > self.bounds.start[tp]}
        done = set(end) - remaining
        if done:
            self.consumer.pause(*done)
        while remaining:
            fetched = await self.consumer.getmany(
                *remaining, timeout_ms=500, max_records=self.max_records
            )
            batch: list[ConsumerRecord[bytes, bytes]] = []
            for tp, records in fetched.items():
                batch += [r for r in records if r.offset < end[tp]]
            for tp in list(remaining):
                if await self.consumer.position(tp) >= end[tp]:
                    remaining.discard(tp)
                    self.consumer.pause(tp)
            if batch:
                yield batch
