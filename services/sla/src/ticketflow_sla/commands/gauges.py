"""The gauges that need a count over all replicas' work: pending timers, achievement."""

from datetime import datetime, timedelta

import asyncpg

from ticketflow_sla.commands.metrics import SLA_ACHIEVEMENT_RATIO, SLA_ACTIVE_TIMERS
from ticketflow_sla.store.reports import achievement_ratios
from ticketflow_sla.store.timers import count_pending


async def refresh_gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
    SLA_ACTIVE_TIMERS.set(await count_pending(conn=conn))
    since = now - timedelta(days=7)
    for metric, ratio in (await achievement_ratios(conn=conn, since=since)).items():
        SLA_ACHIEVEMENT_RATIO.labels(metric).set(ratio)
