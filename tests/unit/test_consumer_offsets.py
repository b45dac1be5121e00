"""Which offsets a consumer commits, and when: only progress already applied, never backwards."""

import asyncio
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError

from ticketflow_common.consumer_offsets import PendingOffsets

A, B, C = (TopicPartition("t", n) for n in range(3))


class RecordingConsumer:
    """Stands in for AIOKafkaConsumer's assignment and commit (pure bookkeeping under test)."""

    def __init__(self, assigned: set[TopicPartition], *, refuse: bool = False) -> None:
        self.assigned = assigned
        self.refuse = refuse
        self.commits: list[dict[TopicPartition, int]] = []

    def assignment(self) -> set[TopicPartition]:
        return self.assigned

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        if self.refuse:
            raise CommitFailedError("rebalanced")
        self.commits.append(dict(offsets))


def commit(pending: PendingOffsets, consumer: RecordingConsumer) -> None:
    fake: Any = consumer
    asyncio.run(pending.commit(fake))


def test_due_only_once_the_oldest_progress_has_waited_the_interval() -> None:
    pending = PendingOffsets(interval_seconds=1.0)
    assert not pending
    assert not pending.due(now=100.0)
    pending.add({A: 5}, now=100.0)
    pending.add({B: 9}, now=100.8)
    assert pending
    assert not pending.due(now=100.9)
    assert pending.due(now=101.0)


def test_partitions_with_nothing_applied_add_nothing() -> None:
    pending = PendingOffsets()
    pending.add({A: None}, now=1.0)
    assert not pending
    assert not pending.due(now=99.0)


def test_commits_the_furthest_offset_per_partition_and_starts_afresh() -> None:
    pending = PendingOffsets(interval_seconds=1.0)
    pending.add({A: 5, B: 2}, now=0.0)
    pending.add({A: 8, B: None}, now=0.5)
    pending.add({A: 7}, now=0.6)  # a redelivered older batch never moves an offset back
    consumer = RecordingConsumer({A, B})
    commit(pending, consumer)
    assert consumer.commits == [{A: 8, B: 2}]
    assert not pending
    assert not pending.due(now=50.0)


def test_partitions_no_longer_assigned_are_left_to_their_new_owner() -> None:
    pending = PendingOffsets()
    pending.add({A: 5, C: 3}, now=0.0)
    consumer = RecordingConsumer({A, B})
    commit(pending, consumer)
    assert consumer.commits == [{A: 5}]


def test_nothing_assigned_sends_no_commit() -> None:
    pending = PendingOffsets()
    pending.add({C: 3}, now=0.0)
    consumer = RecordingConsumer({A})
    commit(pending, consumer)
    assert consumer.commits == []


def test_a_commit_refused_in_a_rebalance_is_dropped_not_raised() -> None:
    pending = PendingOffsets()
    pending.add({A: 5}, now=0.0)
    commit(pending, RecordingConsumer({A}, refuse=True))
    assert not pending
