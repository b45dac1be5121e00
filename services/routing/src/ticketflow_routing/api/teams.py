"""Thin routes for teams: lead, strategy, queue, archiving."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.problems import not_found
from ticketflow_routing.api.deps import AuditActorDep, NowDep, PoolDep
from ticketflow_routing.commands.teams import (
    change_team,
    live_team,
    live_teams,
    retire_team,
    team_queue,
)
from ticketflow_routing.domain.teams import TEAM_ID_PATTERN, Team, TeamChange

router = APIRouter(prefix="/teams", tags=["teams"])

TeamIdPath = Annotated[str, Path(min_length=1, max_length=100, pattern=TEAM_ID_PATTERN)]


@router.put("/{team_id}")
async def put(
    team_id: TeamIdPath, body: TeamChange, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Team:
    """Create or change the team (an archived one comes back); the lead must be a live agent.
    Emits `team.changed`."""
    async with pool.acquire() as conn:
        return await change_team(
            conn=conn,
            team_id=team_id,
            name=body.name,
            lead_agent_id=body.lead_agent_id,
            strategy=body.strategy,
            now=now,
            actor=actor,
        )


@router.delete("/{team_id}", status_code=status.HTTP_204_NO_CONTENT)
async def archive(
    team_id: TeamIdPath, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Response:
    """Archive the team (kept for history; `team.changed` tells the others). 409 names the
    live agents who are members and the tickets still worked there."""
    async with pool.acquire() as conn:
        if await retire_team(conn=conn, team_id=team_id, now=now, actor=actor) is None:
            raise not_found(f"team {team_id} not found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("")
async def read_teams(
    pool: PoolDep, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[Team]:
    """Live teams by id."""
    async with pool.acquire() as conn:
        return await live_teams(conn=conn, cursor=cursor, limit=limit)


@router.get("/{team_id}")
async def read_team(team_id: TeamIdPath, pool: PoolDep) -> Team:
    async with pool.acquire() as conn:
        team = await live_team(conn=conn, team_id=team_id)
    if team is None:
        raise not_found(f"team {team_id} not found")
    return team


@router.get("/{team_id}/queue")
async def read_queue(
    team_id: TeamIdPath, pool: PoolDep, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[dict[str, Any]]:
    """Tickets waiting for this team, in the order they will be assigned."""
    async with pool.acquire() as conn:
        return await team_queue(conn=conn, team_id=team_id, cursor=cursor, limit=limit)
