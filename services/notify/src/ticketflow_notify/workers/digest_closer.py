"""Closes digests as their windows end (one replica each, SKIP LOCKED)."""

import asyncio
from datetime import datetime

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_work_loop
from ticketflow_notify.commands.digests import close_digests, next_digest_at
from ticketflow_notify.settings import NotifySettings

BATCH_SIZE = 100


async def run_digest_closer(runtime: Runtime[NotifySettings], stop: asyncio.Event) -> None:
    policy = runtime.settings.quiet_hours_policy()

    async def close_due() -> int:
        async with runtime.pool.acquire() as conn:
            return await close_digests(
                conn=conn, now=runtime.clock(), policy=policy, limit=BATCH_SIZE
            )

    async def next_due() -> datetime | None:
        async with runtime.pool.acquire() as conn:
            return await next_digest_at(conn=conn)

    await run_work_loop(
        name="digest closer",
        work=close_due,
        next_due=next_due,
        batch_size=BATCH_SIZE,
        max_idle_seconds=runtime.settings.digest_poll_seconds,
        stop=stop,
        clock=runtime.clock,
    )
