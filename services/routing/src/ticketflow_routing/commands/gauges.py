"""Routing's gauges, refreshed from the tables: queues, unowned tickets, utilisation."""

from datetime import datetime

import asyncpg

from ticketflow_common.metrics import Gauge
from ticketflow_routing.commands.metrics import (
    AGENT_UTILISATION,
    AGENTS_ONLINE,
    QUEUE_DEPTH,
    UNOWNED_OLDEST_SECONDS,
    UNOWNED_TICKETS,
)
from ticketflow_routing.store.metrics import routing_gauges


async def refresh_gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
    gauges = await routing_gauges(conn=conn)
    _set_per_team(QUEUE_DEPTH, gauges.queue_depth)
    _set_per_team(AGENT_UTILISATION, gauges.utilisation)
    _set_per_team(AGENTS_ONLINE, gauges.online)
    UNOWNED_TICKETS.set(gauges.unowned)
    oldest = gauges.oldest_unowned_at
    UNOWNED_OLDEST_SECONDS.set(max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)


_TEAMS_SEEN: dict[Gauge, set[str]] = {}


def _set_per_team(gauge: Gauge, values: dict[str, float]) -> None:
    """Set each team's value; a team that disappeared drops to 0 rather than going stale."""
    seen = _TEAMS_SEEN.setdefault(gauge, set())
    for team in seen - values.keys():
        gauge.labels(team).set(0)
    for team, value in values.items():
        gauge.labels(team).set(value)
    seen.update(values)
