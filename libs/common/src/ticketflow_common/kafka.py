"""Kafka client factories with the settings the contract fixes (idempotent producer, acks=all)."""

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError

from ticketflow_common.wakeups import reconnect_delay, wait_for_any

log = logging.getLogger(__name__)


FETCH_MAX_WAIT_MS = 100
"""How long the broker may hold a fetch that found nothing new. aiokafka keeps one fetch in
flight per broker: a partition whose records were just handed over is only asked for again
when that fetch (of the other partitions) returns, so its next event may wait up to this long
(aiokafka's default, 500 ms) when no other partition has news. Shorter costs an idle consumer
more empty fetches: at 2 events/s over 12 partitions (`bench.consumer_fetch_wait`) 500 ms took
4.4 ms CPU a second, 100 ms 8.8, 20 ms 27.2 (a hop's max 116, 14 and 21 ms); at 10/s the
others' events end the wait first and the settings do not differ beyond noise."""


def new_producer(bootstrap_servers: str, *, client_id: str) -> AIOKafkaProducer:
    """Idempotent, acks=all: a retried send neither duplicates nor reorders within a partition.

    No linger: the relay sends a batch's records before awaiting any, so they are batched
    already, and a lone event leaves at once instead of waiting on every hop of its path."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=0,
        request_timeout_ms=30_000,
    )


def new_consumer(
    *topics: str,
    bootstrap_servers: str,
    group_id: str | None,
    client_id: str,
    request_timeout_ms: int = 40_000,
    fetch_max_wait_ms: int = FETCH_MAX_WAIT_MS,
) -> AIOKafkaConsumer:
    """Manual commits after the effect is stored: at-least-once, made exactly-once by the inbox.
    Committed events only (`read_committed`), from the earliest when there is no position; a
    `group_id` of None reads assigned partitions without a group (the CLI)."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_records=200,
        fetch_max_wait_ms=fetch_max_wait_ms,
        request_timeout_ms=request_timeout_ms,
    )


async def start_when_reachable(
    client: AIOKafkaProducer | AIOKafkaConsumer, *, name: str, stop: asyncio.Event
) -> bool:
    """Start `client`, again and again while no broker answers; False if `stop` came first.

    A service starts during a Kafka outage and serves what needs Postgres only (its routes
    write to the outbox); the relay and the consumers begin once Kafka answers.
    """
    attempt = 0
    while not stop.is_set():
        try:
            await client.start()
        except (KafkaConnectionError, OSError) as exc:
            attempt += 1
            log.warning("kafka unreachable, retrying", extra={"client": name, "error": str(exc)})
            await wait_for_any(stop, seconds=reconnect_delay(attempt, base=0.5))
            continue
        return True
    return False
