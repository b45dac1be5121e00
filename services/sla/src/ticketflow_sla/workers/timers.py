"""The timers worker: fires due SLA timers (`commands/timers.py`) on the common timer loop
(`ticketflow_common.timer_loop`: a lookahead in memory, NOTIFY for near timers, a poll)."""

import asyncio

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.runtime import Runtime
from ticketflow_common.timer_loop import TimerPacing, run_timer_loop
from ticketflow_sla.commands.timers import due_instants, fire_due_timers
from ticketflow_sla.settings import SlaSettings
from ticketflow_sla.store.timers import timers_channel


async def run_sla_timer_loop(
    *, pool: asyncpg.Pool, clock: Clock, stop: asyncio.Event, pacing: TimerPacing, channel: str
) -> None:
    """Fire SLA timers until `stop` (one replica's loop; any number may race)."""
    await run_timer_loop(
        name="sla timers",
        pool=pool,
        clock=clock,
        stop=stop,
        pacing=pacing,
        channel=channel,
        due_instants=due_instants,
        fire_due=fire_due_timers,
    )


async def run_timers(runtime: Runtime[SlaSettings], stop: asyncio.Event) -> None:
    await run_sla_timer_loop(
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
        pacing=runtime.settings.timer_pacing(),
        channel=timers_channel(runtime.service),
    )
