"""The achievement report: met vs breached and business time used, over a period."""

from datetime import datetime

import asyncpg

from ticketflow_sla.domain.reports import AchievementRow
from ticketflow_sla.store.reports import achievement


async def achievement_report(
    *, conn: asyncpg.Connection, since: datetime, until: datetime
) -> list[AchievementRow]:
    """Per policy, team and metric, over the clocks started in [since, until)."""
    return await achievement(conn=conn, since=since, until=until)
