"""Thin routes for teams: lead, strategy, queue, archiving."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response, status

from ticketflow_routing.api.deps import ClockDep, PoolDep
from ticketflow_routing.domain.teams import TEAM_ID_PATTERN, Team, TeamChange
from ticketflow_routing.store.queue import queue_of_team
from ticketflow_routing.store.teams import get_team, list_teams
from ticketflow_routing.team_changes import change_team, retire_team

router = APIRouter(prefix="/teams", tags=["teams"])

TeamIdPath = Annotated[str, Path(min_length=1, max_length=100, pattern=TEAM_ID_PATTERN)]


@router.put("/{team_id}")
async def put(team_id: TeamIdPath, body: TeamChange, pool: PoolDep, clock: ClockDep) -> Team:
    """Create or change the team (an archived one comes back); the lead must be a live agent.
    Emits `team.changed`."""
    async with pool.acquire() as conn, conn.transaction():
        return await change_team(
            conn=conn,
            team_id=team_id,
            name=body.name,
            lead_agent_id=body.lead_agent_id,
            strategy=body.strategy,
            now=clock(),
        )


@router.delete("/{team_id}", status_code=status.HTTP_204_NO_CONTENT)
async def archive(team_id: TeamIdPath, pool: PoolDep, clock: ClockDep) -> Response:
    """Archive the team (kept for history; `team.changed` tells the others). 409 names the
    live agents who are members and the tickets still worked there."""
    async with pool.acquire() as conn, conn.transaction():
        if await retire_team(conn=conn, team_id=team_id, now=clock()) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"team {team_id} not found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("")
async def read_teams(pool: PoolDep) -> list[Team]:
    async with pool.acquire() as conn:
        return await list_teams(conn=conn)


@router.get("/{team_id}")
async def read_team(team_id: TeamIdPath, pool: PoolDep) -> Team:
    async with pool.acquire() as conn:
        team = await get_team(conn=conn, team_id=team_id)
    if team is None or team.archived_at is not None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"team {team_id} not found")
    return team


@router.get("/{team_id}/queue")
async def read_queue(
    team_id: TeamIdPath, pool: PoolDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    """Tickets waiting for this team, in the order they will be assigned."""
    async with pool.acquire() as conn:
        return await queue_of_team(conn=conn, team=team_id, limit=limit)
