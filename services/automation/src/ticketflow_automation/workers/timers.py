"""The rule-timers worker: fires time-based rules (`commands/rule_timers.py`) as they fall due,
on the common timer loop (a lookahead in memory, NOTIFY for near timers, a poll)."""

import asyncio
from datetime import datetime

import asyncpg

from ticketflow_automation.commands.rule_cache import RuleCache
from ticketflow_automation.commands.rule_timers import due_instants, fire_due_timers
from ticketflow_automation.settings import AutomationSettings
from ticketflow_automation.store.rule_timers import rule_timers_channel
from ticketflow_common.runtime import Runtime
from ticketflow_common.timer_loop import run_timer_loop


async def run_timers(runtime: Runtime[AutomationSettings], stop: asyncio.Event) -> None:
    rules = RuleCache()
    max_chain_depth = runtime.settings.max_chain_depth

    async def fire_due(*, conn: asyncpg.Connection, now: datetime, limit: int) -> int:
        return await fire_due_timers(
            conn=conn, rules=rules, now=now, limit=limit, max_chain_depth=max_chain_depth
        )

    await run_timer_loop(
        name="automation rule timers",
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
        pacing=runtime.settings.timer_pacing(),
        channel=rule_timers_channel(runtime.service),
        due_instants=due_instants,
        fire_due=fire_due,
    )
