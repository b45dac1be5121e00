"""Changes to agents that move work: a new agent, changed skills or capacity, a new status."""

from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.envelope import new_event
from ticketflow_common.events import AgentStatusChanged
from ticketflow_common.events.routing import UnassignReason
from ticketflow_common.in_use import refuse_if_used
from ticketflow_common.outbox import enqueue_event
from ticketflow_routing.domain.agents import (
    Agent,
    AgentChange,
    AgentStatus,
    NewAgent,
    routing_keys,
    skill_levels,
)
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.shifts import is_on_shift, next_shift_change
from ticketflow_routing.handoffs import drain_for_agent
from ticketflow_routing.store.agents import (
    agent_usages,
    archive_agent,
    get_agent,
    insert_agent,
    set_status,
    update_agent,
)
from ticketflow_routing.store.assignments import hand_back_not_started
from ticketflow_routing.team_changes import join_teams

SOURCE = "/ticketflow/routing"
HAND_BACK_REASON: dict[str, UnassignReason] = {"away": "agent_away", "offline": "agent_offline"}


async def create_agent(
    *, conn: asyncpg.Connection, new: NewAgent, now: datetime, policy: RoutingPolicy
) -> Agent:
    """Create the agent; queued tickets they can take are assigned in the same transaction."""
    teams = list(dict.fromkeys([new.team, *new.teams]))
    levels = skill_levels(new.skills)
    languages = list(dict.fromkeys(new.languages))
    await join_teams(conn=conn, team_ids=teams, field="teams", now=now)
    agent = await insert_agent(
        conn=conn,
        agent_id=uuid4(),
        name=new.name,
        team=new.team,
        teams=teams,
        email=new.email,
        skill_levels=levels,
        languages=languages,
        capacity=new.capacity,
        status=new.status,
        time_zone=new.time_zone,
        shifts=new.shifts,
        on_shift=is_on_shift(new.shifts, new.time_zone, now),
        next_shift_change_at=next_shift_change(new.shifts, new.time_zone, now),
        routing_keys=routing_keys(skills=list(levels), teams=teams, languages=languages),
    )
    if await drain_for_agent(conn=conn, agent_id=agent.id, now=now, policy=policy):
        agent = await get_agent(conn=conn, agent_id=agent.id) or agent
    return agent


async def change_agent(
    *,
    conn: asyncpg.Connection,
    agent_id: UUID,
    change: AgentChange,
    now: datetime,
    policy: RoutingPolicy,
) -> Agent | None:
    """Apply the given fields; more capacity or new skills take from the queue at once."""
    current = await get_agent(conn=conn, agent_id=agent_id, for_update=True)
    if current is None or current.archived_at is not None:
        return None
    teams = list(dict.fromkeys([current.team, *(change.teams or current.teams)]))
    levels = (
        skill_levels(change.skills)
        if change.skills is not None
        else {s.name: s.proficiency for s in current.skills}
    )
    languages = list(dict.fromkeys(change.languages or current.languages))
    time_zone = change.time_zone or current.time_zone
    shifts = None if change.clear_shifts else (change.shifts or current.shifts)
    await join_teams(conn=conn, team_ids=teams, field="teams", now=now)
    await update_agent(
        conn=conn,
        agent_id=agent_id,
        name=change.name or current.name,
        teams=teams,
        email=change.email if change.email is not None else current.email,
        skill_levels=levels,
        languages=languages,
        capacity=change.capacity if change.capacity is not None else current.capacity,
        time_zone=time_zone,
        shifts=shifts,
        on_shift=is_on_shift(shifts, time_zone, now),
        next_shift_change_at=next_shift_change(shifts, time_zone, now),
        routing_keys=routing_keys(skills=list(levels), teams=teams, languages=languages),
    )
    await drain_for_agent(conn=conn, agent_id=agent_id, now=now, policy=policy)
    return await get_agent(conn=conn, agent_id=agent_id)


async def change_status(
    *,
    conn: asyncpg.Connection,
    agent_id: UUID,
    status: AgentStatus,
    now: datetime,
    policy: RoutingPolicy,
) -> Agent | None:
    """Emit `agent.status_changed`; online takes from the queue, away or offline hands back
    the tickets not yet started (the pickup loop routes them on)."""
    changed = await set_status(conn=conn, agent_id=agent_id, status=status)
    if changed is None:
        return None
    agent, previous = changed
    if previous == agent.status:
        return agent
    await _announce_status(conn=conn, agent=agent, previous=previous, now=now)
    if agent.status == "online":
        if await drain_for_agent(conn=conn, agent_id=agent.id, now=now, policy=policy):
            agent = await get_agent(conn=conn, agent_id=agent.id) or agent
    else:
        await hand_back_not_started(
            conn=conn, agent_id=agent.id, reason=HAND_BACK_REASON[agent.status], now=now
        )
    return agent


async def _announce_status(
    *, conn: asyncpg.Connection, agent: Agent, previous: AgentStatus, now: datetime
) -> None:
    data = AgentStatusChanged(
        agent_id=agent.id,
        team=agent.team,
        previous_status=previous,
        status=agent.status,
        changed_at=now,
    )
    event = new_event(data, source=SOURCE, subject=str(agent.id), time=now)
    await enqueue_event(conn=conn, event=event, topic=data.topic, key=str(agent.id))


async def retire_agent(*, conn: asyncpg.Connection, agent_id: UUID, now: datetime) -> bool:
    """Archive the agent unless they own tickets or lead a team (409 naming them); an online
    agent goes offline (`agent.status_changed`). False when there is no live agent."""
    current = await get_agent(conn=conn, agent_id=agent_id, for_update=True)
    if current is None or current.archived_at is not None:
        return False
    refuse_if_used(f"agent {agent_id}", await agent_usages(conn=conn, agent_id=agent_id))
    agent = await archive_agent(conn=conn, agent_id=agent_id, now=now)
    if current.status != agent.status:
        await _announce_status(conn=conn, agent=agent, previous=current.status, now=now)
    return True
