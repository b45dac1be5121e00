"""SQL behind routing's gauges."""

from dataclasses import dataclass
from datetime import datetime

import asyncpg


@dataclass(frozen=True)
class RoutingGauges:
    queue_depth: dict[str, float]
    utilisation: dict[str, float]
    online: dict[str, float]
    unowned: int
    oldest_unowned_at: datetime | None


async def routing_gauges(*, conn: asyncpg.Connection) -> RoutingGauges:
    depth = await conn.fetch(
        "SELECT coalesce(team, '') AS team, count(*) AS n FROM queued_tickets GROUP BY 1"
    )
    teams = await conn.fetch(
        "SELECT m.member_of AS team, sum(a.load) AS load, sum(a.capacity) AS capacity,"
        " count(*) AS n FROM agents a, unnest(a.teams) AS m(member_of)"
        " WHERE a.status = 'online' AND a.on_shift GROUP BY m.member_of"
    )
    unowned = await conn.fetchrow(
        "SELECT count(*) AS n, min(created_at) AS oldest FROM tickets t"
        " WHERE status IN ('new', 'open', 'in_progress', 'waiting_on_customer')"
        " AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.ticket_id = t.ticket_id)"
    )
    return RoutingGauges(
        queue_depth={r["team"]: float(r["n"]) for r in depth},
        utilisation={
            r["team"]: float(r["load"]) / r["capacity"] if r["capacity"] else 0.0 for r in teams
        },
        online={r["team"]: float(r["n"]) for r in teams},
        unowned=int(unowned["n"]),
        oldest_unowned_at=unowned["oldest"],
    )
