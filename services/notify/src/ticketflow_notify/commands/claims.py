"""Claiming due deliveries with SKIP LOCKED, so any number of replicas share the work; the
per-endpoint concurrency limit and circuit breaker hold across replicas (see the claim)."""

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from ticketflow_notify.domain.claims import ClaimPolicy
from ticketflow_notify.store.deliveries import (
    ClaimedDelivery,
    claim_email_due,
    claim_endpoint_due,
    next_due_at,
)
from ticketflow_notify.store.endpoints import active_secrets


@dataclass(frozen=True)
class Claimed:
    """A leased delivery and the signing secrets its endpoint has right now."""

    delivery: ClaimedDelivery
    secrets: list[str]


async def claim_due(
    *, conn: asyncpg.Connection, now: datetime, limit: int, policy: ClaimPolicy
) -> list[Claimed]:
    """Lease up to `limit` due deliveries: webhook and chat first, then email."""
    claimed = await claim_endpoint_due(conn=conn, now=now, limit=limit, policy=policy)
    if limit > len(claimed):
        claimed += await claim_email_due(
            conn=conn, now=now, lease_seconds=policy.lease_seconds, limit=limit - len(claimed)
        )
    endpoint_ids = list({d.endpoint_id for d in claimed if d.endpoint_id is not None})
    secrets = (
        await active_secrets(conn=conn, endpoint_ids=endpoint_ids, now=now) if endpoint_ids else {}
    )
    return [Claimed(d, secrets.get(d.endpoint_id, []) if d.endpoint_id else []) for d in claimed]


async def next_claimable_at(*, conn: asyncpg.Connection, now: datetime) -> datetime | None:
    """When the next delivery can be claimed (see `next_due_at`)."""
    return await next_due_at(conn=conn, now=now)
