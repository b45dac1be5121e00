"""Thin routes for teams: lead, strategy, queue."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, status

from routing.api.deps import PoolDep
from routing.domain.teams import TEAM_ID_PATTERN, Team, TeamChange
from routing.store.agents import get_agent
from routing.store.queue import queue_of_team
from routing.store.teams import get_team, list_teams, put_team
from ticketflow_common.problems import invalid_field

router = APIRouter(prefix="/teams", tags=["teams"])

TeamIdPath = Annotated[str, Path(min_length=1, max_length=100, pattern=TEAM_ID_PATTERN)]


@router.put("/{team_id}")
async def put(team_id: TeamIdPath, body: TeamChange, pool: PoolDep) -> Team:
    """Create or change the team; the lead must be an existing agent."""
    async with pool.acquire() as conn, conn.transaction():
        lead = body.lead_agent_id
        if lead is not None and await get_agent(conn=conn, agent_id=lead) is None:
            raise invalid_field("lead_agent_id", f"agent {lead} does not exist")
        return await put_team(
            conn=conn,
            team_id=team_id,
            name=body.name,
            lead_agent_id=body.lead_agent_id,
            strategy=body.strategy,
        )


@router.get("")
async def read_teams(pool: PoolDep) -> list[Team]:
    async with pool.acquire() as conn:
        return await list_teams(conn=conn)


@router.get("/{team_id}")
async def read_team(team_id: TeamIdPath, pool: PoolDep) -> Team:
    async with pool.acquire() as conn:
        team = await get_team(conn=conn, team_id=team_id)
    if team is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"team {team_id} not found")
    return team


@router.get("/{team_id}/queue")
async def read_queue(
    team_id: TeamIdPath, pool: PoolDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    """Tickets waiting for this team, in the order they will be assigned."""
    async with pool.acquire() as conn:
        return await queue_of_team(conn=conn, team=team_id, limit=limit)
