"""Transactional outbox: the event row commits or rolls back with the caller's change."""

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope, EventData, new_event
from ticketflow_common.json_codec import json_bytes, json_text
from ticketflow_common.topics import event_source
from ticketflow_common.tracing import current_trace_carrier


def event_for(
    data: EventData, *, subject: str, now: datetime, source: str | None = None
) -> Envelope:
    """The envelope `emit` writes: the topic's publisher as source (unless `source` names
    another, as on the audit topic every service writes), `subject` as key."""
    origin = source if source is not None else event_source(data.topic)
    return new_event(data, source=origin, subject=subject, time=now)


async def emit(
    conn: asyncpg.Connection,
    data: EventData,
    *,
    subject: str,
    now: datetime,
    source: str | None = None,
) -> Envelope:
    """Write one event to the outbox, keyed by `subject` (the partition key), in the caller's
    transaction: the event is published if and only if the change it reports commits."""
    event = event_for(data, subject=subject, now=now, source=source)
    await enqueue_event(conn=conn, event=event, topic=data.topic, key=subject)
    return event


OUTBOX_COLUMNS = "event_id, topic, key, event_type, payload, headers"
"""The columns `outbox_values` gives, for a service that writes its outbox row inside a
statement of its own (a CTE with the change), saving a round trip."""


def outbox_values(event: Envelope, *, topic: str, key: str) -> tuple[object, ...]:
    """The values of OUTBOX_COLUMNS for `event`, with the current trace context."""
    return (
        event.id,
        topic,
        key,
        event.type,
        event.model_dump(mode="json"),
        current_trace_carrier(),
    )


async def enqueue_event(*, conn: asyncpg.Connection, event: Envelope, topic: str, key: str) -> None:
    """Record `event` for publication; call inside the transaction that makes the change."""
    await conn.execute(
        f"INSERT INTO outbox ({OUTBOX_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)",
        *outbox_values(event, topic=topic, key=key),
    )


async def outbox_backlog(*, conn: asyncpg.Connection) -> int:
    """Unpublished events; a number that keeps growing means the relay is stuck."""
    count: int = await conn.fetchval("SELECT count(*) FROM outbox")
    return count


def payload_bytes(payload: object) -> bytes:
    """The stored envelope as it goes on the wire: compact JSON."""
    return json_bytes(payload)


async def enqueue_events(
    *, conn: asyncpg.Connection, events: Sequence[tuple[Envelope, str, str, dict[str, str]]]
) -> None:
    """Record many (event, topic, key, trace carrier) at once, in one statement (rows in the
    order given); same rule as `enqueue_event`: call inside the transaction that makes the
    change."""
    if not events:
        return
    await conn.execute(
        "INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)"
        " SELECT event_id, topic, key, event_type, payload::jsonb, headers::jsonb"
        " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])"
        " WITH ORDINALITY AS e(event_id, topic, key, event_type, payload, headers, n) ORDER BY n",
        [event.id for event, _, _, _ in events],
        [topic for _, topic, _, _ in events],
        [key for _, _, key, _ in events],
        [event.type for event, _, _, _ in events],
        [event.model_dump_json() for event, _, _, _ in events],
        [json_text(carrier) for _, _, _, carrier in events],
    )
