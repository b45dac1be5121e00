"""SQL for deliveries: fan-out from events, claiming due ones, recording each attempt."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from notify.domain.endpoints import Delivery, DeliveryStatus


@dataclass(frozen=True)
class ClaimedDelivery:
    id: UUID
    endpoint_id: UUID
    event_id: UUID
    event_type: str
    envelope: dict[str, object]
    trace_carrier: dict[str, str]
    attempts: int
    url: str
    secret: str


async def fan_out(
    *,
    conn: asyncpg.Connection,
    event_id: UUID,
    event_type: str,
    subject: str,
    envelope: dict[str, object],
    trace_carrier: dict[str, str],
    now: datetime,
) -> int:
    """One pending delivery per enabled endpoint subscribed to this event type."""
    status = await conn.execute(
        "INSERT INTO deliveries (endpoint_id, event_id, event_type, subject, envelope,"
        " trace_carrier, next_attempt_at)"
        " SELECT e.id, $1, $2, $3, $4, $5, $6 FROM endpoints e"
        " WHERE e.enabled AND (cardinality(e.event_types) = 0 OR $2 = ANY (e.event_types))"
        " ON CONFLICT (endpoint_id, event_id) DO NOTHING",
        event_id,
        event_type,
        subject,
        envelope,
        trace_carrier,
        now,
    )
    return int(status.rsplit(" ", 1)[-1])


async def claim_due(
    *, conn: asyncpg.Connection, now: datetime, lease_seconds: float, limit: int
) -> list[ClaimedDelivery]:
    """Lease due deliveries; one a crashed replica held becomes due again when its lease ends."""
    rows = await conn.fetch(
        "WITH due AS ("
        "  SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1"
        "  ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED"
        ") UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = $2"
        " FROM due, endpoints e WHERE d.id = due.id AND e.id = d.endpoint_id"
        " RETURNING d.id, d.endpoint_id, d.event_id, d.event_type, d.envelope, d.trace_carrier,"
        " d.attempts, e.url, e.secret",
        now,
        now + timedelta(seconds=lease_seconds),
        limit,
    )
    return [ClaimedDelivery(**dict(r)) for r in rows]


async def record_attempt(
    *,
    conn: asyncpg.Connection,
    delivery: ClaimedDelivery,
    started_at: datetime,
    status_code: int | None,
    latency_ms: float,
    error: str | None,
) -> None:
    await conn.execute(
        "INSERT INTO delivery_attempts (delivery_id, attempt, started_at, status_code,"
        " latency_ms, error) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (delivery_id, attempt) DO NOTHING",
        delivery.id,
        delivery.attempts,
        started_at,
        status_code,
        latency_ms,
        error,
    )


async def mark_delivered(*, conn: asyncpg.Connection, delivery_id: UUID, now: datetime) -> None:
    await conn.execute(
        "UPDATE deliveries SET status = 'delivered', delivered_at = $2, next_attempt_at = NULL,"
        " last_error = NULL WHERE id = $1",
        delivery_id,
        now,
    )


async def schedule_retry(
    *, conn: asyncpg.Connection, delivery_id: UUID, at: datetime, error: str
) -> None:
    await conn.execute(
        "UPDATE deliveries SET next_attempt_at = $2, last_error = $3 WHERE id = $1",
        delivery_id,
        at,
        error,
    )


async def mark_failed(*, conn: asyncpg.Connection, delivery_id: UUID, error: str) -> None:
    await conn.execute(
        "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, last_error = $2"
        " WHERE id = $1",
        delivery_id,
        error,
    )


async def next_due_at(*, conn: asyncpg.Connection) -> datetime | None:
    due: datetime | None = await conn.fetchval(
        "SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending'"
    )
    return due


async def list_deliveries(
    *,
    conn: asyncpg.Connection,
    subject: str | None,
    status: DeliveryStatus | None,
    limit: int,
) -> list[Delivery]:
    rows = await conn.fetch(
        "SELECT id, endpoint_id, event_id, event_type, subject, status, attempts,"
        " next_attempt_at, last_error, delivered_at, created_at FROM deliveries"
        " WHERE ($1::text IS NULL OR subject = $1) AND ($2::text IS NULL OR status = $2)"
        " ORDER BY created_at DESC, id LIMIT $3",
        subject,
        status,
        limit,
    )
    return [Delivery.model_validate(dict(r)) for r in rows]


async def replay(*, conn: asyncpg.Connection, delivery_id: UUID, now: datetime) -> bool:
    """Send a delivery again, whatever its state; attempts keep counting."""
    status = await conn.execute(
        "UPDATE deliveries SET status = 'pending', next_attempt_at = $2 WHERE id = $1",
        delivery_id,
        now,
    )
    return bool(status == "UPDATE 1")
