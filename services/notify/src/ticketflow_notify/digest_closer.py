"""Closes digests whose window ended: one message per target and team, sent like any other."""

import asyncio
import logging
from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.work_loop import run_work_loop
from ticketflow_notify.composer import compose
from ticketflow_notify.domain.quiet_hours import held_until
from ticketflow_notify.domain.templates import DIGEST_TEMPLATE, language_candidates
from ticketflow_notify.fan_out import FanOutPolicy
from ticketflow_notify.metrics import DELIVERIES_CREATED
from ticketflow_notify.store.deliveries import NewDelivery, insert_delivery
from ticketflow_notify.store.digests import DueDigest, close_due_digests, next_digest_due
from ticketflow_notify.store.recipients import recipients_of

log = logging.getLogger(__name__)
DIGEST_EVENT_TYPE = "notification.digest"


def digest_envelope(digest: DueDigest) -> dict[str, Any]:
    """What the delivery log keeps for a digest: the events it groups, by id."""
    return {
        "specversion": "1.0",
        "id": str(digest.id),
        "source": "/ticketflow/notify",
        "type": DIGEST_EVENT_TYPE,
        "time": digest.window_end.isoformat(),
        "subject": digest.team,
        "data": {
            "team": digest.team,
            "event_type": digest.event_type,
            "count": len(digest.items),
            "event_ids": [item.get("id") for item in digest.items],
        },
    }


class DigestCloser:
    def __init__(
        self, *, pool: asyncpg.Pool, clock: Clock, policy: FanOutPolicy, batch_size: int = 100
    ) -> None:
        self.pool = pool
        self.clock = clock
        self.policy = policy
        self.batch_size = batch_size

    async def close_due(self) -> int:
        now = self.clock()
        async with self.pool.acquire() as conn, conn.transaction():
            due = await close_due_digests(conn=conn, now=now, limit=self.batch_size)
            for digest in due:
                await self._deliver(conn=conn, digest=digest, now=now)
        return len(due)

    async def _deliver(self, *, conn: asyncpg.Connection, digest: DueDigest, now: datetime) -> None:
        envelope = digest_envelope(digest)
        context = {
            "event": envelope,
            "data": envelope["data"],
            "ticket": {},
            "team": digest.team,
            "event_type": digest.event_type,
            "items": digest.items,
        }
        message = await compose(
            conn=conn,
            event_type=DIGEST_TEMPLATE,
            languages=language_candidates(digest.language),
            context=context,
        )
        hold = None
        if (
            digest.channel == "email"
            and digest.event_type not in self.policy.quiet_hours_bypass_types
        ):
            address = digest.target.removeprefix("email:")
            _, quiet = (await recipients_of(conn=conn, emails=[address])).get(address, (None, None))
            hold = None if quiet is None else held_until(now, quiet)
        await insert_delivery(
            conn=conn,
            new=NewDelivery(
                channel=digest.channel,
                target=digest.target,
                endpoint_id=digest.endpoint_id,
                event_id=digest.id,
                event_type=DIGEST_EVENT_TYPE,
                subject=digest.team,
                envelope=envelope,
                trace_carrier={},
                message=message.as_json(),
                source_topic=None,
                event_time=min(
                    (datetime.fromisoformat(i["time"]) for i in digest.items if "time" in i),
                    default=digest.window_end,
                ),
                next_attempt_at=hold or now,
                created_at=now,
                held_until=hold,
            ),
        )
        after_commit(conn, DELIVERIES_CREATED.labels(digest.channel, "digest_sent").inc)

    async def next_due(self) -> datetime | None:
        async with self.pool.acquire() as conn:
            return await next_digest_due(conn=conn)

    async def run(self, stop: asyncio.Event, *, max_idle_seconds: float) -> None:
        await run_work_loop(
            name="digest closer",
            work=self.close_due,
            next_due=self.next_due,
            batch_size=self.batch_size,
            max_idle_seconds=max_idle_seconds,
            stop=stop,
            clock=self.clock,
        )
