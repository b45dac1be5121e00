"""SQL for pending deliveries: creating them, leasing due ones, recording each outcome."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_notify.domain.claims import ClaimPolicy
from ticketflow_notify.domain.deliveries import Channel, NewDelivery


@dataclass(frozen=True)
class ClaimedDelivery:
    """A leased delivery: to whom, which event, the message rendered for it, and which
    attempt this is."""

    channel: Channel
    target: str
    endpoint_id: UUID | None
    event_id: UUID
    event_type: str
    subject: str
    envelope: dict[str, Any]
    trace_carrier: dict[str, str]
    message: dict[str, str] | None
    source_topic: str | None
    id: UUID
    event_time: datetime | None
    attempts: int
    url: str | None


async def insert_delivery(*, conn: asyncpg.Connection, new: NewDelivery, now: datetime) -> bool:
    """The one way a delivery is created (for an event, a closed digest or a notice to an
    owner); False when this target already has this event: redelivered events are told once."""
    inserted = await conn.fetchval(
        "INSERT INTO deliveries (channel, target, endpoint_id, event_id, event_type, subject,"
        " envelope, trace_carrier, message, source_topic, event_time, next_attempt_at,"
        " held_until, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        " ON CONFLICT (target, event_id) DO NOTHING RETURNING true",
        new.to.channel,
        new.to.target,
        new.to.endpoint_id,
        new.told.id,
        new.told.type,
        new.told.subject,
        new.told.envelope,
        new.told.trace_carrier,
        None if new.message is None else new.message.as_json(),
        new.told.source_topic,
        new.told.time,
        new.first_attempt_at(now),
        new.hold,
        now,
    )
    return bool(inserted)


async def delivery_id_of(*, conn: asyncpg.Connection, target: str, event_id: UUID) -> UUID:
    """The delivery of this event to this target (which exists)."""
    found: UUID = await conn.fetchval(
        "SELECT id FROM deliveries WHERE target = $1 AND event_id = $2", target, event_id
    )
    return found


_RETURNING = (
    " RETURNING d.id, d.channel, d.target, d.endpoint_id, d.event_id, d.event_type, d.subject,"
    " d.envelope, d.trace_carrier, d.message, d.source_topic, d.event_time, d.attempts"
)


@dataclass(frozen=True)
class ClaimedWithSecrets:
    """A leased delivery and the signing secrets its endpoint has at the claim, newest first."""

    delivery: ClaimedDelivery
    secrets: list[str]


async def lock_claimable_endpoints(*, conn: asyncpg.Connection, now: datetime) -> list[UUID]:
    """Row-lock (SKIP LOCKED) the enabled endpoints with a due delivery and no open circuit:
    the lock is what makes a claim's in-flight count exact across replicas, so it is taken
    in a statement of its own, before the claim's snapshot (see `claim_due_deliveries`).
    NO KEY UPDATE: claims exclude each other, but a fan-out inserting deliveries (whose foreign
    key takes KEY SHARE on the endpoint) never makes a claim skip the endpoint."""
    rows = await conn.fetch(
        "SELECT e.id FROM endpoints e"
        " WHERE e.enabled AND (e.circuit_open_until IS NULL OR e.circuit_open_until <= $1)"
        " AND EXISTS (SELECT 1 FROM deliveries d WHERE d.endpoint_id = e.id"
        "   AND d.status = 'pending' AND d.next_attempt_at <= $1)"
        " ORDER BY e.id FOR NO KEY UPDATE OF e SKIP LOCKED",
        now,
    )
    return [row["id"] for row in rows]


async def claim_due_deliveries(
    *,
    conn: asyncpg.Connection,
    now: datetime,
    limit: int,
    policy: ClaimPolicy,
    locked_endpoints: list[UUID],
) -> list[ClaimedWithSecrets]:
    """Lease up to `limit` due deliveries, webhook and chat first, then email, with their
    endpoint's URL and signing secrets, in one statement.

    Only endpoints in `locked_endpoints` get deliveries: this transaction must hold their
    row locks (`lock_claimable_endpoints`), taken by an earlier statement. Under READ
    COMMITTED a statement's snapshot is taken when it starts, so a count of in-flight
    deliveries in the statement that also waits for the lock could miss the leases of a
    replica that committed in between, and over-fill the endpoint; a statement that starts
    after the lock is held sees every lease made before it. A half-open circuit lets a
    single trial through. On a `per_ticket` endpoint a delivery waits while an earlier one
    of its ticket (subject) is pending: in flight or waiting for its retry. An email
    delivery a crashed replica held is due again when its lease ends.
    """
    lease_end = now + timedelta(seconds=policy.lease_seconds)
    rows = await conn.fetch(
        "WITH ready AS ("
        "  SELECT e.id, e.ordering, CASE WHEN e.consecutive_failures >= $4 THEN 1"
        "    ELSE e.max_concurrency END AS cap FROM endpoints e WHERE e.id = ANY($5::uuid[])"
        "), room AS ("
        "  SELECT r.id, r.ordering, r.cap - (SELECT count(*) FROM deliveries f"
        "    WHERE f.endpoint_id = r.id AND f.status = 'pending'"
        "    AND f.lease_expires_at > $1) AS free FROM ready r"
        "), by_endpoint AS ("
        "  SELECT x.id, room.id AS endpoint_id, 0 AS pass FROM room, LATERAL (SELECT d.id,"
        "    d.next_attempt_at FROM deliveries d WHERE d.endpoint_id = room.id"
        "    AND d.status = 'pending' AND d.next_attempt_at <= $1"
        "    AND (room.ordering <> 'per_ticket'"
        "    OR NOT EXISTS (SELECT 1 FROM deliveries b WHERE b.endpoint_id = d.endpoint_id"
        "    AND b.subject = d.subject AND b.status = 'pending' AND b.ordinal < d.ordinal))"
        "    ORDER BY d.next_attempt_at"
        "    LIMIT greatest(room.free, 0) FOR UPDATE SKIP LOCKED) x"
        "  ORDER BY x.next_attempt_at LIMIT $3"
        "), by_email AS ("
        "  SELECT id, NULL::uuid AS endpoint_id, 1 AS pass FROM deliveries"
        "  WHERE status = 'pending' AND endpoint_id IS NULL AND next_attempt_at <= $1"
        "  ORDER BY next_attempt_at"
        "  LIMIT greatest($3 - (SELECT count(*) FROM by_endpoint), 0) FOR UPDATE SKIP LOCKED"
        "), picked AS (SELECT * FROM by_endpoint UNION ALL SELECT * FROM by_email)"
        " UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = $2,"
        " lease_expires_at = $2 FROM picked LEFT JOIN endpoints e ON e.id = picked.endpoint_id"
        " WHERE d.id = picked.id" + _RETURNING + ", picked.pass, e.url,"
        " CASE WHEN e.id IS NULL THEN NULL ELSE ARRAY(SELECT s.secret FROM endpoint_secrets s"
        "  WHERE s.endpoint_id = e.id AND (s.expires_at IS NULL OR s.expires_at > $1)"
        "  ORDER BY s.created_at DESC, s.id) END AS secrets",
        now,
        lease_end,
        limit,
        policy.failure_threshold,
        locked_endpoints,
    )
    claimed = []
    for row in sorted(rows, key=lambda r: r["pass"]):
        fields = dict(row)
        fields.pop("pass")
        secrets = fields.pop("secrets") or []
        claimed.append(ClaimedWithSecrets(ClaimedDelivery(**fields), list(secrets)))
    return claimed


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


async def schedule_retry(
    *, conn: asyncpg.Connection, delivery: ClaimedDelivery, at: datetime, error: str
) -> bool:
    status = await conn.execute(
        "UPDATE deliveries SET next_attempt_at = $3, lease_expires_at = NULL, last_error = $4"
        " WHERE id = $1 AND attempts = $2 AND status = 'pending'",
        delivery.id,
        delivery.attempts,
        at,
        error,
    )
    return bool(status == "UPDATE 1")


async def mark_failed(*, conn: asyncpg.Connection, delivery: ClaimedDelivery, error: str) -> bool:
    status = await conn.execute(
        "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL,"
        " lease_expires_at = NULL, last_error = $3"
        " WHERE id = $1 AND attempts = $2 AND status = 'pending'",
        delivery.id,
        delivery.attempts,
        error,
    )
    return bool(status == "UPDATE 1")


async def next_due_at(*, conn: asyncpg.Connection, now: datetime) -> datetime | None:
    """The next time a delivery can be claimed: skips endpoints that are disabled or whose
    circuit is open (counting the moment such a circuit half-opens) and deliveries waiting
    for an earlier one of their ticket."""
    due: datetime | None = await conn.fetchval(
        "SELECT least("
        " (SELECT d.next_attempt_at FROM deliveries d LEFT JOIN endpoints e"
        "  ON e.id = d.endpoint_id WHERE d.status = 'pending' AND (d.endpoint_id IS NULL"
        "  OR (e.enabled AND (e.circuit_open_until IS NULL OR e.circuit_open_until <= $1)"
        "  AND (e.ordering <> 'per_ticket' OR NOT EXISTS (SELECT 1 FROM deliveries b"
        "  WHERE b.endpoint_id = d.endpoint_id AND b.subject = d.subject"
        "  AND b.status = 'pending' AND b.ordinal < d.ordinal))))"
        "  ORDER BY d.next_attempt_at LIMIT 1),"
        " (SELECT min(circuit_open_until) FROM endpoints WHERE enabled"
        "  AND circuit_open_until > $1))",
        now,
    )
    return due


async def retry_backlog(*, conn: asyncpg.Connection) -> dict[str, int]:
    """Pending deliveries that already failed at least once, per channel."""
    rows = await conn.fetch(
        "SELECT channel, count(*) AS n FROM deliveries WHERE status = 'pending'"
        " AND attempts > 0 AND lease_expires_at IS NULL GROUP BY channel"
    )
    return {r["channel"]: r["n"] for r in rows}


async def record_success(
    *,
    conn: asyncpg.Connection,
    delivery: ClaimedDelivery,
    started_at: datetime,
    status_code: int | None,
    latency_ms: float,
    now: datetime,
    sent: Envelope,
    sent_topic: str,
    trace_carrier: dict[str, str],
) -> bool:
    """A successful attempt in one statement (so one transaction): the attempt logged, the
    endpoint's failures forgotten, the delivery delivered and `sent` put in the outbox, the
    last only when this lease still held the delivery (False otherwise: another replica
    re-leased it meanwhile and its outcome wins)."""
    marked = await conn.fetchval(
        "WITH attempt AS ("
        "  INSERT INTO delivery_attempts (delivery_id, attempt, started_at, status_code,"
        "  latency_ms, error) VALUES ($1, $2, $3, $4, $5, NULL)"
        "  ON CONFLICT (delivery_id, attempt) DO NOTHING"
        "), health AS ("
        "  UPDATE endpoints SET consecutive_failures = 0, failing_since = NULL,"
        "  circuit_open_until = NULL WHERE id = $6"
        "  AND (consecutive_failures > 0 OR failing_since IS NOT NULL)"
        "), marked AS ("
        "  UPDATE deliveries SET status = 'delivered', delivered_at = $7,"
        "  next_attempt_at = NULL, lease_expires_at = NULL, last_error = NULL"
        "  WHERE id = $1 AND attempts = $2 AND status = 'pending' RETURNING id"
        "), told AS ("
        "  INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)"
        "  SELECT $8::uuid, $9::text, $10::text, $11::text, $12::jsonb, $13::jsonb FROM marked"
        ") SELECT count(*) FROM marked",
        delivery.id,
        delivery.attempts,
        started_at,
        status_code,
        latency_ms,
        delivery.endpoint_id,
        now,
        sent.id,
        sent_topic,
        delivery.subject,
        sent.type,
        sent.model_dump(mode="json"),
        trace_carrier,
    )
    return bool(marked)
