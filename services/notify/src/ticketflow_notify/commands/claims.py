"""Claiming due deliveries with SKIP LOCKED, so any number of replicas share the work; the
per-endpoint concurrency limit and circuit breaker hold across replicas (see the claim)."""

from datetime import datetime

import asyncpg

from ticketflow_notify.domain.claims import ClaimPolicy
from ticketflow_notify.store.deliveries import (
    ClaimedWithSecrets,
    claim_due_deliveries,
    lock_claimable_endpoints,
    next_due_at,
)

Claimed = ClaimedWithSecrets
"""A leased delivery and the signing secrets its endpoint has right now."""


async def claim_due(
    *, conn: asyncpg.Connection, now: datetime, limit: int, policy: ClaimPolicy
) -> list[Claimed]:
    """Lease up to `limit` due deliveries, webhook and chat first, then email: one
    transaction of two statements, the endpoints' locks first, then the claim."""
    async with conn.transaction():
        locked = await lock_claimable_endpoints(conn=conn, now=now)
        return await claim_due_deliveries(
            conn=conn, now=now, limit=limit, policy=policy, locked_endpoints=locked
        )


async def next_claimable_at(*, conn: asyncpg.Connection, now: datetime) -> datetime | None:
    """When the next delivery can be claimed (see `next_due_at`)."""
    return await next_due_at(conn=conn, now=now)
