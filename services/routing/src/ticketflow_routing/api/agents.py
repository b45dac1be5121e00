"""Thin routes for agents: create, read, change, set status, archive."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from ticketflow_common.authorization import PrincipalDep
from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.problems import ProblemError, not_found
from ticketflow_common.transient import retry_lock_conflicts
from ticketflow_routing.api.deps import AuditActorDep, NowDep, PolicyDep, PoolDep
from ticketflow_routing.commands.agent_status import change_status
from ticketflow_routing.commands.agents import (
    change_agent,
    create_agent,
    live_agent,
    live_agents,
    retire_agent,
)
from ticketflow_routing.commands.team_access import refuse_unless_manages, refuse_unless_teams
from ticketflow_routing.domain.agents import Agent, AgentChange, NewAgent, StatusChange

router = APIRouter(prefix="/agents", tags=["agents"])


def _not_found(agent_id: UUID) -> ProblemError:
    return not_found(f"agent {agent_id} not found")


def _found(agent: Agent | None, agent_id: UUID) -> Agent:
    if agent is None:
        raise _not_found(agent_id)
    return agent


@router.post("", status_code=status.HTTP_201_CREATED)
async def post_agent(
    body: NewAgent,
    pool: PoolDep,
    policy: PolicyDep,
    now: NowDep,
    actor: AuditActorDep,
    principal: PrincipalDep,
) -> Agent:
    """Create the agent (a lead: in teams they lead); queued tickets they can take are
    assigned in the same transaction."""
    refuse_unless_teams(principal, [body.team, *body.teams])
    async with pool.acquire() as conn:
        return await create_agent(conn=conn, new=body, now=now, policy=policy, actor=actor)


@router.get("")
async def read_agents(
    pool: PoolDep,
    team: Annotated[str | None, Query(max_length=100)] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[Agent]:
    """Live agents (of `team` when given), oldest first."""
    async with pool.acquire() as conn:
        return await live_agents(conn=conn, team=team, cursor=cursor, limit=limit)


@router.get("/{agent_id}")
async def read_agent(agent_id: UUID, pool: PoolDep) -> Agent:
    async with pool.acquire() as conn:
        return _found(await live_agent(conn=conn, agent_id=agent_id), agent_id)


@router.delete("/{agent_id}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_agent(
    agent_id: UUID, pool: PoolDep, now: NowDep, actor: AuditActorDep, principal: PrincipalDep
) -> Response:
    """Archive the agent (kept for history, offline for good); 409 names the tickets they own
    and the teams they lead. A lead archives only agents of their teams."""
    async with pool.acquire() as conn:
        await refuse_unless_manages(conn=conn, principal=principal, agent_id=agent_id)
        if not await retire_agent(conn=conn, agent_id=agent_id, now=now, actor=actor):
            raise _not_found(agent_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch("/{agent_id}")
async def patch_agent(
    agent_id: UUID,
    body: AgentChange,
    pool: PoolDep,
    policy: PolicyDep,
    now: NowDep,
    actor: AuditActorDep,
    principal: PrincipalDep,
) -> Agent:
    """Change skills, languages, teams, capacity, e-mail or shifts; a lead only of the agents
    of their teams, and into teams they lead."""
    if body.teams is not None:
        refuse_unless_teams(principal, body.teams)
    async with pool.acquire() as conn:
        await refuse_unless_manages(conn=conn, principal=principal, agent_id=agent_id)

    async def attempt() -> Agent | None:
        async with pool.acquire() as conn:
            return await change_agent(
                conn=conn, agent_id=agent_id, change=body, now=now, policy=policy, actor=actor
            )

    return _found(await retry_lock_conflicts(attempt), agent_id)


@router.put("/{agent_id}/status")
async def put_status(
    agent_id: UUID,
    body: StatusChange,
    pool: PoolDep,
    policy: PolicyDep,
    now: NowDep,
    actor: AuditActorDep,
    principal: PrincipalDep,
) -> Agent:
    """Set online/away/offline and emit `agent.status_changed`: an agent their own, a lead
    their teams' agents'."""
    async with pool.acquire() as conn:
        await refuse_unless_manages(conn=conn, principal=principal, agent_id=agent_id, own_too=True)

    async def attempt() -> Agent | None:
        async with pool.acquire() as conn:
            return await change_status(
                conn=conn,
                agent_id=agent_id,
                status=body.status,
                now=now,
                policy=policy,
                actor=actor,
            )

    return _found(await retry_lock_conflicts(attempt), agent_id)
