"""Lag arithmetic: end offset minus the group's committed offset, or the log start before any
commit; never negative."""

from aiokafka import TopicPartition

from ticketflow_common.consumer_lag import LagGauge, lag_by_partition, partition_lag
from ticketflow_common.metrics import CONSUMER_LAG
from ticketflow_common.topics import TopicNames


def test_lag_is_the_end_offset_less_the_committed_offset() -> None:
    assert partition_lag(end_offset=120, committed=100, log_start=0) == 20
    assert partition_lag(end_offset=100, committed=100, log_start=0) == 0


def test_a_group_that_committed_nothing_is_behind_by_the_whole_retained_log() -> None:
    assert partition_lag(end_offset=120, committed=None, log_start=0) == 120
    assert partition_lag(end_offset=120, committed=None, log_start=90) == 30


def test_a_commit_older_than_the_retained_log_counts_from_the_log_start() -> None:
    """`auto_offset_reset=earliest` resumes there: the deleted messages are not to be read."""
    assert partition_lag(end_offset=120, committed=10, log_start=90) == 30


def test_a_commit_read_after_the_end_offset_is_no_negative_lag() -> None:
    assert partition_lag(end_offset=100, committed=103, log_start=0) == 0


def test_lag_by_partition_covers_the_partitions_with_an_end_offset() -> None:
    a, b = TopicPartition("t", 0), TopicPartition("t", 1)
    lags = lag_by_partition(
        end_offsets={a: 50, b: 7}, committed={a: 40, b: None}, log_starts={a: 0, b: 2}
    )
    assert lags == {a: 10, b: 5}


def test_the_gauge_forgets_partitions_moved_to_another_replica() -> None:
    """Each replica reports its own partitions, so summing over replicas counts each once."""
    names = TopicNames("unitlag.")
    gauge = LagGauge(service="unit-lag", names=names)
    kept, moved = (
        TopicPartition("unitlag.tickets.events.v1", 0),
        TopicPartition("unitlag.tickets.events.v1", 1),
    )
    gauge.set({kept: 3, moved: 4})
    gauge.keep_only({kept})
    samples = {
        s.labels["partition"]: s.value
        for metric in CONSUMER_LAG.collect()
        for s in metric.samples
        if s.labels["service"] == "unit-lag"
    }
    assert samples == {"0": 3.0}
    assert {
        s.labels["topic"]
        for m in CONSUMER_LAG.collect()
        for s in m.samples
        if s.labels["service"] == "unit-lag"
    } == {"tickets.events.v1"}
