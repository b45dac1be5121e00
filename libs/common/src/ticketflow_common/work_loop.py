"""The loop shared by every background worker: do due work, then sleep until more is due."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.transient import TRANSIENT_ERRORS
from ticketflow_common.wakeups import wait_for_any

log = logging.getLogger(__name__)


async def run_work_loop(
    *,
    name: str,
    work: Callable[[], Awaitable[int]],
    batch_size: int,
    max_idle_seconds: float,
    stop: asyncio.Event,
    clock: Clock,
    next_due: Callable[[], Awaitable[datetime | None]] | None = None,
    wakeup: asyncio.Event | None = None,
) -> None:
    """Repeat `work` until `stop`: at once after a full batch, else at the next due time,
    a wake-up, or `max_idle_seconds`, whichever is first. Outages are logged and retried."""
    while not stop.is_set():
        if wakeup is not None:
            wakeup.clear()
        upcoming = None
        try:
            if await work() >= batch_size:
                continue
            if next_due is not None:
                upcoming = await next_due()
        except TRANSIENT_ERRORS as exc:
            log.warning("%s failed, will retry", name, extra={"error": str(exc)})
        wait = max_idle_seconds
        if upcoming is not None:
            wait = min(wait, (upcoming - clock()).total_seconds())
        await wait_for_any(stop, *([wakeup] if wakeup else []), seconds=wait)


Batch = Callable[[asyncpg.Connection, datetime], Awaitable[int]]
"""One batch of a worker's work on one connection at `now`; returns how many items it did."""


def on_pool(pool: asyncpg.Pool, clock: Clock, batch: Batch) -> Callable[[], Awaitable[int]]:
    """`batch` as `run_work_loop`'s work: each run on a pooled connection at the clock's now."""

    async def work() -> int:
        async with pool.acquire() as conn:
            return await batch(conn, clock())

    return work


class Periodic(Protocol):
    """One round of periodic work (a gauges refresh, a sweep): a command taking conn and now."""

    def __call__(self, *, conn: asyncpg.Connection, now: datetime) -> Awaitable[object]: ...


async def run_every(
    *,
    name: str,
    seconds: float,
    command: Periodic,
    pool: asyncpg.Pool,
    clock: Clock,
    stop: asyncio.Event,
) -> None:
    """Run `command` on a pooled connection every `seconds` until `stop`."""

    async def work() -> int:
        async with pool.acquire() as conn:
            await command(conn=conn, now=clock())
        return 0  # never a full batch: the next round waits `seconds`

    await run_work_loop(
        name=name, work=work, batch_size=1, max_idle_seconds=seconds, stop=stop, clock=clock
    )
