"""An agent's status: online takes from the queue, away or offline hands back what is not
started; every change is announced as `agent.status_changed` and `agent.changed` (key: agent
id)."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events import AgentStatusChanged
from ticketflow_common.events.audit import AuditActor
from ticketflow_common.events.routing import UnassignReason
from ticketflow_common.outbox import emit
from ticketflow_routing.commands.agent_events import emit_agent_change
from ticketflow_routing.commands.audit import audit
from ticketflow_routing.commands.drain import drain_for_agent
from ticketflow_routing.domain.agents import Agent, AgentStatus, StatusChange
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.store.agents import get_agent, set_status
from ticketflow_routing.store.assignments import hand_back_not_started

HAND_BACK_REASON: dict[str, UnassignReason] = {"away": "agent_away", "offline": "agent_offline"}


async def change_status(
    *,
    conn: asyncpg.Connection,
    agent_id: UUID,
    status: AgentStatus,
    now: datetime,
    policy: RoutingPolicy,
    actor: AuditActor | None = None,
) -> Agent | None:
    """Emit `agent.status_changed` and `agent.changed`; online takes from the queue, away or
    offline hands back the tickets not yet started (the pickup loop routes them on). None: no
    live agent. A change a caller makes (`actor`) is audited as `routing.agent_status`."""
    async with conn.transaction():
        changed = await set_status(conn=conn, agent_id=agent_id, status=status)
        if changed is None:
            return None
        agent, previous = changed
        if previous == agent.status:
            return agent
        await emit_status_change(conn=conn, agent=agent, previous=previous, now=now)
        await emit_agent_change(conn=conn, agent=agent, change="updated", now=now)
        if actor is not None:
            await audit(
                conn=conn,
                actor=actor,
                entity="routing.agent_status",
                entity_id=str(agent.id),
                action="updated",
                before=StatusChange(status=previous),
                after=StatusChange(status=agent.status),
                now=now,
            )
        if agent.status == "online":
            if await drain_for_agent(conn=conn, agent_id=agent.id, now=now, policy=policy):
                agent = await get_agent(conn=conn, agent_id=agent.id) or agent
        else:
            await hand_back_not_started(
                conn=conn, agent_id=agent.id, reason=HAND_BACK_REASON[agent.status], now=now
            )
        return agent


async def emit_status_change(
    *, conn: asyncpg.Connection, agent: Agent, previous: AgentStatus, now: datetime
) -> None:
    event = AgentStatusChanged(
        agent_id=agent.id,
        team=agent.team,
        previous_status=previous,
        status=agent.status,
        changed_at=now,
    )
    await emit(conn, event, subject=str(agent.id), now=now)
