"""Consumer lag read from the broker on a timer, so a stuck consumer's lag keeps rising.

Lag of a partition = its end offset (the next offset to be written) minus the group's committed
offset on the broker (or the log start, as `auto_offset_reset=earliest` reads from there, when
the group has committed nothing yet). Each replica reports the partitions assigned to it only,
and forgets those moved away, so `sum by (service, topic)` counts every partition once.
"""

import asyncio
import logging
from collections.abc import Collection, Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition

from ticketflow_common.clock import Clock
from ticketflow_common.metrics import CONSUMER_LAG, Gauge
from ticketflow_common.topics import TopicNames
from ticketflow_common.transient import TRANSIENT_ERRORS
from ticketflow_common.work_loop import run_work_loop

log = logging.getLogger(__name__)


def partition_lag(*, end_offset: int, committed: int | None, log_start: int) -> int:
    """Messages the group still has to take from one partition; never negative (a committed
    offset read a moment after the end offset may be ahead of it)."""
    position = committed if committed is not None else log_start
    return max(0, end_offset - max(position, log_start))


def lag_by_partition(
    *,
    end_offsets: Mapping[TopicPartition, int],
    committed: Mapping[TopicPartition, int | None],
    log_starts: Mapping[TopicPartition, int],
) -> dict[TopicPartition, int]:
    """`partition_lag` for every partition whose end offset is known."""
    return {
        tp: partition_lag(
            end_offset=end, committed=committed.get(tp), log_start=log_starts.get(tp, 0)
        )
        for tp, end in end_offsets.items()
    }


class LagGauge:
    """This replica's share of `ticketflow_consumer_lag_messages`: set for its partitions,
    removed for partitions it no longer holds."""

    def __init__(self, *, service: str, names: TopicNames) -> None:
        self.service = service
        self.names = names
        self.reported: set[TopicPartition] = set()

    def set(self, lags: Mapping[TopicPartition, int]) -> None:
        for tp, lag in lags.items():
            self._labels(tp).set(lag)
            self.reported.add(tp)

    def keep_only(self, assigned: Collection[TopicPartition]) -> None:
        for tp in self.reported - set(assigned):
            CONSUMER_LAG.remove(self.service, self.names.logical(tp.topic), str(tp.partition))
            self.reported.discard(tp)

    def _labels(self, tp: TopicPartition) -> Gauge:
        return CONSUMER_LAG.labels(self.service, self.names.logical(tp.topic), str(tp.partition))


async def read_lag(consumer: AIOKafkaConsumer) -> dict[TopicPartition, int]:
    """The lag of the partitions assigned to `consumer`, from the broker: end offsets, log
    starts and the group's committed offsets (not this process's idea of its position)."""
    assigned = sorted(consumer.assignment())
    if not assigned:
        return {}
    ends, starts, *committed = await asyncio.gather(
        consumer.end_offsets(assigned),
        consumer.beginning_offsets(assigned),
        *(consumer.committed(tp) for tp in assigned),
    )
    return lag_by_partition(
        end_offsets=ends, committed=dict(zip(assigned, committed, strict=True)), log_starts=starts
    )


async def run_lag_reading(
    *,
    consumer: AIOKafkaConsumer,
    gauge: LagGauge,
    interval_seconds: float,
    stop: asyncio.Event,
    clock: Clock,
) -> None:
    """Every `interval_seconds` until `stop`: read the lag from the broker, publish it; a
    broker that does not answer leaves the last figures and is retried next round."""

    async def round_() -> int:
        try:
            lags = await read_lag(consumer)
        except TRANSIENT_ERRORS:
            raise  # the work loop logs and retries them
        except Exception:
            # A metric must not stop for good on a surprise: logged, and tried next round.
            log.exception("consumer lag not read")
            return 0
        assigned = consumer.assignment()
        gauge.keep_only(assigned)
        gauge.set({tp: lag for tp, lag in lags.items() if tp in assigned})
        return 0  # never a full batch: the next round waits `interval_seconds`

    await run_work_loop(
        name="consumer lag reading",
        work=round_,
        batch_size=1,
        max_idle_seconds=interval_seconds,
        stop=stop,
        clock=clock,
    )
