"""SQL for SLA achievement: met vs breached and business-time percentiles."""

from datetime import datetime

import asyncpg

from ticketflow_sla.domain.reports import AchievementRow

_ACHIEVEMENT = """
SELECT c.policy, coalesce(t.team, t.assigned_team) AS team, c.metric,
       count(*) FILTER (WHERE c.state = 'met' AND c.breached_at IS NULL) AS met,
       count(*) FILTER (WHERE c.breached_at IS NOT NULL) AS breached,
       count(*) FILTER (WHERE c.state IN ('running', 'paused') AND c.breached_at IS NULL)
           AS in_progress,
       count(*) FILTER (WHERE c.state = 'cancelled' AND c.breached_at IS NULL) AS cancelled,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY c.used_seconds)
           FILTER (WHERE c.state = 'met') AS p50_business_seconds,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY c.used_seconds)
           FILTER (WHERE c.state = 'met') AS p90_business_seconds
FROM clocks c LEFT JOIN tickets t ON t.ticket_id = c.ticket_id
WHERE c.started_at >= $1 AND c.started_at < $2
GROUP BY 1, 2, 3
ORDER BY 1, 2 NULLS LAST, 3
"""


async def achievement(
    *, conn: asyncpg.Connection, since: datetime, until: datetime
) -> list[AchievementRow]:
    """Per policy, team and metric, for clocks started in [since, until)."""
    rows = await conn.fetch(_ACHIEVEMENT, since, until)
    return [AchievementRow.from_counts(**dict(r)) for r in rows]


async def achievement_ratios(*, conn: asyncpg.Connection, since: datetime) -> dict[str, float]:
    """Per metric, clocks met on time over those met or breached, for clocks started since;
    running clocks not breached are not read (index `clocks_settled_started`)."""
    rows = await conn.fetch(
        "SELECT metric,"
        " count(*) FILTER (WHERE state = 'met' AND breached_at IS NULL) AS met,"
        " count(*) FILTER (WHERE breached_at IS NOT NULL) AS breached"
        " FROM clocks WHERE (state = 'met' OR breached_at IS NOT NULL) AND started_at >= $1"
        " GROUP BY metric",
        since,
    )
    return {
        r["metric"]: r["met"] / (r["met"] + r["breached"]) for r in rows if r["met"] + r["breached"]
    }
