"""The gauges that need a count over the facts: open tickets per team."""

from datetime import datetime

import asyncpg

from ticketflow_insights.commands.metrics import INSIGHTS_OPEN_TICKETS
from ticketflow_insights.commands.scorecard_gauges import refresh_scorecard_gauges
from ticketflow_insights.store.people import open_ticket_counts


async def refresh_gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
    for team, count in (await open_ticket_counts(conn=conn)).items():
        INSIGHTS_OPEN_TICKETS.labels(team).set(count)
    await refresh_scorecard_gauges(conn=conn, now=now)
