"""Exhausted deliveries to the dead-letter topic of the event's topic, through the outbox."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg


async def enqueue_dead_letter(
    *,
    conn: asyncpg.Connection,
    dlq_topic: str,
    key: str,
    envelope: Mapping[str, Any],
    trace_carrier: Mapping[str, str],
    reason: Mapping[str, str],
    failed_at: datetime,
) -> None:
    """The original CloudEvent as the message, why it failed as `dlq-*` headers.

    The outbox row gets an id of its own (the event id may dead-letter for several targets
    or again after a replay); the relay publishes it like any other event.
    """
    headers = {
        **trace_carrier,
        "dlq-consumer": "notify",
        "dlq-failed-at": failed_at.isoformat(),
        **{f"dlq-{k}": v[:4000] for k, v in reason.items()},
    }
    await conn.execute(
        "INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        uuid4(),
        dlq_topic,
        key,
        str(envelope.get("type", "unknown")),
        dict(envelope),
        headers,
    )


def dead_letter_reason(
    *, delivery_id: UUID, target: str, attempts: int, error: str, source_topic: str
) -> dict[str, str]:
    return {
        "original-topic": source_topic,
        "error-type": "DeliveryExhausted",
        "error": error,
        "attempts": str(attempts),
        "delivery-id": str(delivery_id),
        "target": target,
    }
