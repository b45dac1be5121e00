"""The loop every durable-timer worker runs (sla's timers, automation's rule timers).

Each replica keeps a lookahead of the instants due in the next few seconds and sleeps precisely
until the earliest; a NOTIFY from whoever schedules a near timer refreshes it at once, and a
periodic poll catches the rest. Postgres holds the timers; the service says how to read the
due instants and how to fire a batch.
"""

import asyncio
import bisect
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.wakeups import listening
from ticketflow_common.work_loop import on_pool, run_work_loop


@dataclass(frozen=True)
class TimerPacing:
    """How a timers worker batches and how far ahead it looks."""

    batch_size: int
    max_idle_seconds: float
    lookahead_seconds: float


class DueInstants(Protocol):
    """The distinct instants of pending timers due by `until`, earliest first (at most `limit`)."""

    def __call__(
        self, *, conn: asyncpg.Connection, until: datetime, limit: int
    ) -> Awaitable[list[datetime]]: ...


class FireDue(Protocol):
    """Fire up to `limit` timers due at `now`; how many were claimed."""

    def __call__(
        self, *, conn: asyncpg.Connection, now: datetime, limit: int
    ) -> Awaitable[int]: ...


@dataclass
class Lookahead:
    """The instants of the timers due within `horizon`, kept in memory between polls."""

    horizon: timedelta
    due_instants: DueInstants
    limit: int = 1000
    instants: list[datetime] = field(default_factory=list)
    refreshed_at: datetime | None = None

    async def refresh(self, *, conn: asyncpg.Connection, now: datetime) -> None:
        self.instants = await self.due_instants(
            conn=conn, until=now + self.horizon, limit=self.limit
        )
        self.refreshed_at = now

    def next_after(self, now: datetime) -> datetime | None:
        """The earliest known instant still ahead, or the horizon's end when none is known."""
        del self.instants[: bisect.bisect_right(self.instants, now)]
        if self.instants:
            return self.instants[0]
        return None if self.refreshed_at is None else self.refreshed_at + self.horizon

    def stale(self, now: datetime, max_age: timedelta) -> bool:
        return self.refreshed_at is None or now - self.refreshed_at >= max_age


async def run_timer_loop(
    *,
    name: str,
    pool: asyncpg.Pool,
    clock: Clock,
    stop: asyncio.Event,
    pacing: TimerPacing,
    channel: str,
    due_instants: DueInstants,
    fire_due: FireDue,
) -> None:
    """Fire due timers until `stop`: sleep until the next instant in the lookahead, a NOTIFY on
    `channel` of a near timer, or `max_idle_seconds`, whichever is first."""
    lookahead = Lookahead(
        horizon=timedelta(seconds=pacing.lookahead_seconds), due_instants=due_instants
    )
    wakeup = asyncio.Event()
    refresh_now = asyncio.Event()
    max_age = timedelta(seconds=pacing.max_idle_seconds)

    def on_notify() -> None:
        refresh_now.set()
        wakeup.set()

    async def fire(conn: asyncpg.Connection, now: datetime) -> int:
        return await fire_due(conn=conn, now=now, limit=pacing.batch_size)

    async def upcoming() -> datetime | None:
        now = clock()
        if refresh_now.is_set() or lookahead.stale(now, max_age):
            refresh_now.clear()
            async with pool.acquire() as conn:
                await lookahead.refresh(conn=conn, now=now)
        return lookahead.next_after(now)

    async with listening(pool, channel, on_notify):
        await run_work_loop(
            name=name,
            work=on_pool(pool, clock, fire),
            next_due=upcoming,
            batch_size=pacing.batch_size,
            max_idle_seconds=pacing.max_idle_seconds,
            stop=stop,
            clock=clock,
            wakeup=wakeup,
        )
