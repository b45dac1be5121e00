"""Refresh automation's gauges: active rules and pending rule timers."""

from datetime import datetime

import asyncpg

from ticketflow_automation.commands.metrics import RULE_TIMERS_PENDING, RULES_ACTIVE
from ticketflow_automation.store.gauges import count_active_rules, count_pending_timers


async def refresh_gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
    del now
    for kind, count in (await count_active_rules(conn=conn)).items():
        RULES_ACTIVE.labels(kind).set(count)
    RULE_TIMERS_PENDING.set(await count_pending_timers(conn=conn))
