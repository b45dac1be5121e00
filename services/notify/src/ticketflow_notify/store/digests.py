"""SQL for digests: events collected per target and team until their window closes."""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_notify.domain.digests import DigestKey, DueDigest


async def add_to_digest(
    *,
    conn: asyncpg.Connection,
    key: DigestKey,
    event_id: UUID,
    envelope: dict[str, Any],
    now: datetime,
    window_seconds: int,
) -> bool:
    """Put the event in the target's open digest for its team (opening one if needed);
    False when this target already has this event."""
    digest_id = await conn.fetchval(
        "INSERT INTO digests (subscription_id, channel, target, endpoint_id, team, event_type,"
        " language, window_end) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (target, team, event_type) WHERE closed_at IS NULL"
        " DO UPDATE SET team = EXCLUDED.team RETURNING id",
        key.route.subscription_id,
        key.route.channel,
        key.route.target,
        key.route.endpoint_id,
        key.team,
        key.event_type,
        key.language,
        now + timedelta(seconds=window_seconds),
    )
    added = await conn.fetchval(
        "INSERT INTO digest_items (digest_id, event_id, target, envelope) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING RETURNING true",
        digest_id,
        event_id,
        key.route.target,
        envelope,
    )
    return bool(added)


async def close_due_digests(
    *, conn: asyncpg.Connection, now: datetime, limit: int
) -> list[DueDigest]:
    """Close digests whose window has ended (SKIP LOCKED: one replica each) with their items.
    Call inside the transaction that also creates their deliveries."""
    rows = await conn.fetch(
        "WITH due AS (SELECT id FROM digests WHERE closed_at IS NULL AND window_end <= $1"
        "  ORDER BY window_end LIMIT $2 FOR UPDATE SKIP LOCKED)"
        " UPDATE digests g SET closed_at = $1 FROM due WHERE g.id = due.id"
        " RETURNING g.id, g.channel, g.target, g.endpoint_id, g.team, g.event_type, g.language,"
        " g.window_end",
        now,
        limit,
    )
    if not rows:
        return []
    items = await conn.fetch(
        "SELECT digest_id, envelope FROM digest_items WHERE digest_id = ANY($1::uuid[])"
        " ORDER BY added_at, event_id",
        [r["id"] for r in rows],
    )
    by_digest: dict[UUID, list[dict[str, Any]]] = {}
    for item in items:
        by_digest.setdefault(item["digest_id"], []).append(item["envelope"])
    return [DueDigest(**dict(r), items=by_digest.get(r["id"], [])) for r in rows]


async def next_digest_due(*, conn: asyncpg.Connection) -> datetime | None:
    due: datetime | None = await conn.fetchval(
        "SELECT min(window_end) FROM digests WHERE closed_at IS NULL"
    )
    return due
