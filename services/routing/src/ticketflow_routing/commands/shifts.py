"""Shift starts and ends: an agent coming on shift takes from the queue, one going off hands
back what they have not started."""

from datetime import datetime

import asyncpg

from ticketflow_routing.commands.drain import drain_for_agent
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.shifts import shift_state
from ticketflow_routing.store import agents
from ticketflow_routing.store.agents import claim_shift_changes, set_shift_state
from ticketflow_routing.store.assignments import hand_back_not_started


async def apply_due_shift_change(
    *, conn: asyncpg.Connection, now: datetime, policy: RoutingPolicy
) -> bool:
    """One agent whose shift started or ended: available again (take from the queue) or
    gone (hand back what they have not started). False when none is due."""
    async with conn.transaction():
        claimed = await claim_shift_changes(conn=conn, now=now, limit=1)
        if not claimed:
            return False
        agent = claimed[0]
        shift = shift_state(agent.shifts, agent.time_zone, now)
        await set_shift_state(conn=conn, agent_id=agent.agent_id, shift=shift)
        if agent.status == "online" and shift.on_shift:
            await drain_for_agent(conn=conn, agent_id=agent.agent_id, now=now, policy=policy)
        elif agent.status == "online":
            await hand_back_not_started(
                conn=conn, agent_id=agent.agent_id, reason="shift_ended", now=now
            )
    return True


async def next_shift_change_due(*, conn: asyncpg.Connection) -> datetime | None:
    return await agents.next_shift_change_due(conn=conn)
