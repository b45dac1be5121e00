"""`agent.changed` (key: agent id): who an agent is, their teams, status and schedule, so other
services (insights' staffing) keep a projection of the people without reading routing's tables."""

from datetime import datetime

import asyncpg

from ticketflow_common.events import AgentChanged, WeeklyShift
from ticketflow_common.events.routing import AgentChange
from ticketflow_common.outbox import emit
from ticketflow_routing.domain.agents import Agent


def agent_changed(agent: Agent, *, change: AgentChange, now: datetime) -> AgentChanged:
    """The event for the agent as it now is; the home team comes first among its teams."""
    shifts = (
        None
        if agent.shifts is None
        else [WeeklyShift(days=list(s.days), start=s.start, end=s.end) for s in agent.shifts]
    )
    return AgentChanged(
        agent_id=agent.id,
        name=agent.name,
        change=change,
        version=agent.version,
        teams=[agent.team, *(t for t in agent.teams if t != agent.team)],
        email=agent.email,
        capacity=agent.capacity,
        status=agent.status,
        time_zone=agent.time_zone,
        shifts=shifts,
        changed_at=now,
    )


async def emit_agent_change(
    *, conn: asyncpg.Connection, agent: Agent, change: AgentChange, now: datetime
) -> None:
    """Announce the change in the caller's transaction."""
    event = agent_changed(agent, change=change, now=now)
    await emit(conn, event, subject=str(agent.id), now=now)
