"""The timers worker: fires due SLA timers (`commands/timers.py`) as they fall due.

Each replica keeps a lookahead of the instants due in the next few seconds and sleeps precisely
until the earliest; a NOTIFY from whoever schedules a near timer refreshes it at once, and a
periodic poll catches the rest.
"""

import asyncio
import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.runtime import Runtime
from ticketflow_common.wakeups import listening
from ticketflow_common.work_loop import on_pool, run_work_loop
from ticketflow_sla.commands.timers import due_instants, fire_due_timers
from ticketflow_sla.settings import SlaSettings, TimerPacing
from ticketflow_sla.store.timers import timers_channel


@dataclass
class Lookahead:
    """The instants of the timers due within `horizon`, kept in memory between polls."""

    horizon: timedelta
    limit: int = 1000
    instants: list[datetime] = field(default_factory=list)
    refreshed_at: datetime | None = None

    async def refresh(self, *, conn: asyncpg.Connection, now: datetime) -> None:
        self.instants = await due_instants(conn=conn, until=now + self.horizon, limit=self.limit)
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
    *, pool: asyncpg.Pool, clock: Clock, stop: asyncio.Event, pacing: TimerPacing, channel: str
) -> None:
    """Fire due timers until `stop`: sleep until the next instant in the lookahead, a NOTIFY on
    `channel` of a near timer, or `max_idle_seconds`, whichever is first."""
    lookahead = Lookahead(horizon=timedelta(seconds=pacing.lookahead_seconds))
    wakeup = asyncio.Event()
    refresh_now = asyncio.Event()
    max_age = timedelta(seconds=pacing.max_idle_seconds)

    def on_notify() -> None:
        refresh_now.set()
        wakeup.set()

    async def fire(conn: asyncpg.Connection, now: datetime) -> int:
        return await fire_due_timers(conn=conn, now=now, limit=pacing.batch_size)

    async def upcoming() -> datetime | None:
        now = clock()
        if refresh_now.is_set() or lookahead.stale(now, max_age):
            refresh_now.clear()
            async with pool.acquire() as conn:
                await lookahead.refresh(conn=conn, now=now)
        return lookahead.next_after(now)

    async with listening(pool, channel, on_notify):
        await run_work_loop(
            name="sla timers",
            work=on_pool(pool, clock, fire),
            next_due=upcoming,
            batch_size=pacing.batch_size,
            max_idle_seconds=pacing.max_idle_seconds,
            stop=stop,
            clock=clock,
            wakeup=wakeup,
        )


async def run_timers(runtime: Runtime[SlaSettings], stop: asyncio.Event) -> None:
    await run_timer_loop(
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
        pacing=runtime.settings.timer_pacing(),
        channel=timers_channel(runtime.service),
    )
