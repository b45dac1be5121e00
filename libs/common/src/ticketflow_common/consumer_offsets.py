"""Consumer offsets committed to Kafka now and then, not after every fetch.

An offset is only ever committed after the effects of every event before it are stored, so the
contract holds; committing later only means a consumer that dies (or loses a partition in a
rebalance) hands its successor a few already-applied events again, which their inbox records
skip. One commit request per fetch was a Kafka round trip that held up the next fetch's events
and a write to `__consumer_offsets` on the broker, per service, for every few events.
"""

import logging

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError

log = logging.getLogger(__name__)

COMMIT_INTERVAL_SECONDS = 1.0
"""The longest applied events wait for their offsets' commit while events keep coming; an idle
consumer commits at its next empty fetch."""


class PendingOffsets:
    """The next offset to read per partition, of events applied but not yet committed."""

    def __init__(self, *, interval_seconds: float = COMMIT_INTERVAL_SECONDS) -> None:
        self.interval_seconds = interval_seconds
        self._offsets: dict[TopicPartition, int] = {}
        self._since: float | None = None

    def add(self, applied: dict[TopicPartition, int | None], *, now: float) -> None:
        """Note partitions' progress (None: nothing of that partition was applied)."""
        for tp, offset in applied.items():
            if offset is not None:
                self._offsets[tp] = max(offset, self._offsets.get(tp, offset))
        if self._offsets and self._since is None:
            self._since = now

    def due(self, *, now: float) -> bool:
        """Whether the oldest uncommitted progress has waited the interval."""
        return self._since is not None and now - self._since >= self.interval_seconds

    def __bool__(self) -> bool:
        return bool(self._offsets)

    async def commit(self, consumer: AIOKafkaConsumer) -> None:
        """Commit the partitions still assigned; progress on the others is its new owner's to
        redo. A commit refused in a rebalance is dropped the same way."""
        offsets = {tp: n for tp, n in self._offsets.items() if tp in consumer.assignment()}
        self._offsets.clear()
        self._since = None
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            log.warning("partition moved during a rebalance", extra={"error": str(exc)})
