"""Agents: created, changed, archived and looked up; changes that free capacity or add skills
take from the queue in the same transaction, and each change is announced as `agent.changed`."""

from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.in_use import refuse_if_used
from ticketflow_common.pagination import Page, encode_timed_cursor, page_of, read_timed_cursor
from ticketflow_routing.commands.agent_events import emit_agent_change
from ticketflow_routing.commands.agent_status import emit_status_change
from ticketflow_routing.commands.audit import audit
from ticketflow_routing.commands.drain import drain_for_agent
from ticketflow_routing.commands.teams import join_teams
from ticketflow_routing.domain.agents import (
    Agent,
    AgentChange,
    NewAgent,
    changed_profile,
    new_profile,
)
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.store.agents import (
    agent_usages,
    archive_agent,
    get_agent,
    insert_agent,
    list_agents,
    update_agent,
)

AGENT = "routing.agent"


async def create_agent(
    *,
    conn: asyncpg.Connection,
    new: NewAgent,
    now: datetime,
    policy: RoutingPolicy,
    actor: AuditActor,
) -> Agent:
    """Create the agent; queued tickets they can take are assigned in the same transaction."""
    profile = new_profile(new)
    async with conn.transaction():
        await join_teams(conn=conn, team_ids=profile.teams, field="teams", now=now)
        agent = await insert_agent(
            conn=conn,
            agent_id=uuid4(),
            team=new.team,
            status=new.status,
            profile=profile,
            shift=profile.shift_state(now),
        )
        await emit_agent_change(conn=conn, agent=agent, change="created", now=now)
        await audit(
            conn=conn,
            actor=actor,
            entity=AGENT,
            entity_id=str(agent.id),
            action="created",
            before=None,
            after=agent,
            now=now,
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
    actor: AuditActor,
) -> Agent | None:
    """Apply the given fields; more capacity or new skills take from the queue at once.
    None: no live agent."""
    async with conn.transaction():
        current = await get_agent(conn=conn, agent_id=agent_id, for_update=True)
        if current is None or current.archived_at is not None:
            return None
        profile = changed_profile(current, change)
        await join_teams(conn=conn, team_ids=profile.teams, field="teams", now=now)
        updated = await update_agent(
            conn=conn, agent_id=agent_id, profile=profile, shift=profile.shift_state(now)
        )
        await emit_agent_change(conn=conn, agent=updated, change="updated", now=now)
        await audit(
            conn=conn,
            actor=actor,
            entity=AGENT,
            entity_id=str(agent_id),
            action="updated",
            before=current,
            after=updated,
            now=now,
        )
        await drain_for_agent(conn=conn, agent_id=agent_id, now=now, policy=policy)
        return await get_agent(conn=conn, agent_id=agent_id)


async def retire_agent(
    *, conn: asyncpg.Connection, agent_id: UUID, now: datetime, actor: AuditActor
) -> bool:
    """Archive the agent unless they own tickets or lead a team (409 naming them); an online
    agent goes offline (`agent.status_changed`). False when there is no live agent."""
    async with conn.transaction():
        current = await get_agent(conn=conn, agent_id=agent_id, for_update=True)
        if current is None or current.archived_at is not None:
            return False
        refuse_if_used(f"agent {agent_id}", await agent_usages(conn=conn, agent_id=agent_id))
        agent = await archive_agent(conn=conn, agent_id=agent_id, now=now)
        if current.status != agent.status:
            await emit_status_change(conn=conn, agent=agent, previous=current.status, now=now)
        await emit_agent_change(conn=conn, agent=agent, change="removed", now=now)
        await audit(
            conn=conn,
            actor=actor,
            entity=AGENT,
            entity_id=str(agent_id),
            action="archived",
            before=current,
            after=agent,
            now=now,
        )
        return True


async def live_agent(*, conn: asyncpg.Connection, agent_id: UUID) -> Agent | None:
    """The agent, unless unknown or archived."""
    agent = await get_agent(conn=conn, agent_id=agent_id)
    return None if agent is None or agent.archived_at is not None else agent


async def live_agents(
    *, conn: asyncpg.Connection, team: str | None, cursor: str | None, limit: int
) -> Page[Agent]:
    """Agents not archived (members of `team`, if given), oldest first."""
    after = read_timed_cursor(cursor, kind="routing.agents")
    rows = await list_agents(conn=conn, team=team, limit=limit + 1, after=after)
    return page_of(
        rows,
        limit=limit,
        cursor=lambda a: encode_timed_cursor("routing.agents", a.created_at, a.id),
    )
