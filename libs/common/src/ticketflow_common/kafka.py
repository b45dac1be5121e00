"""Kafka client factories with the settings the contract fixes (idempotent producer, acks=all)."""

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError

from ticketflow_common.wakeups import reconnect_delay, wait_for_any

log = logging.getLogger(__name__)


def new_producer(bootstrap_servers: str, *, client_id: str) -> AIOKafkaProducer:
    """Idempotent, acks=all: a retried send neither duplicates nor reorders within a partition."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        request_timeout_ms=30_000,
    )


def new_consumer(
    *topics: str,
    bootstrap_servers: str,
    group_id: str | None,
    client_id: str,
    request_timeout_ms: int = 40_000,
    fetch_max_wait_ms: int = 500,
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
        request_timeout_ms=request_timeout_ms,
        fetch_max_wait_ms=fetch_max_wait_ms,
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
