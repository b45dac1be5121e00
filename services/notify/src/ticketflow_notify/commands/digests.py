"""Closing digests whose window ended: one message per target and team, sent like any other."""

from datetime import datetime

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_notify.commands.compose import compose
from ticketflow_notify.commands.metrics import DELIVERIES_CREATED
from ticketflow_notify.domain.deliveries import NewDelivery
from ticketflow_notify.domain.digests import DueDigest, digest_context, digest_event
from ticketflow_notify.domain.quiet_hours import QuietHoursPolicy
from ticketflow_notify.domain.templates import DIGEST_TEMPLATE, language_candidates
from ticketflow_notify.store.deliveries import insert_delivery
from ticketflow_notify.store.digests import close_due_digests, next_digest_due
from ticketflow_notify.store.recipients import recipients_of


async def close_digests(
    *, conn: asyncpg.Connection, now: datetime, policy: QuietHoursPolicy, limit: int
) -> int:
    """Close up to `limit` due digests and create their deliveries, in one transaction;
    returns how many were closed."""
    async with conn.transaction():
        due = await close_due_digests(conn=conn, now=now, limit=limit)
        for digest in due:
            await _deliver(conn=conn, digest=digest, now=now, policy=policy)
    return len(due)


async def next_digest_at(*, conn: asyncpg.Connection) -> datetime | None:
    """When the next open digest's window ends."""
    return await next_digest_due(conn=conn)


async def _deliver(
    *, conn: asyncpg.Connection, digest: DueDigest, now: datetime, policy: QuietHoursPolicy
) -> None:
    told = digest_event(digest)
    message = await compose(
        conn=conn,
        event_type=DIGEST_TEMPLATE,
        languages=language_candidates(digest.language),
        context=digest_context(digest, told.envelope),
    )
    hold = None
    if digest.address is not None and digest.event_type not in policy.bypass_types:
        found = await recipients_of(conn=conn, emails=[digest.address])
        _, quiet = found.get(digest.address, (None, None))
        hold = policy.hold(
            channel=digest.channel, event_type=digest.event_type, quiet=quiet, now=now
        )
    new = NewDelivery(to=digest, told=told, message=message, hold=hold)
    await insert_delivery(conn=conn, new=new, now=now)
    after_commit(conn, DELIVERIES_CREATED.labels(digest.channel, "digest_sent").inc)
