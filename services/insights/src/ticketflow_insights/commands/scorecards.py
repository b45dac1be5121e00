"""Scorecards of a team or an agent over a period, to date while the period runs."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.problems import ProblemError, not_found
from ticketflow_insights.domain.access import Viewer
from ticketflow_insights.domain.periods import Period
from ticketflow_insights.domain.scorecards import Scorecard, build_scorecard
from ticketflow_insights.domain.targets import TeamTargets
from ticketflow_insights.store.scorecards import (
    AGENT,
    TEAM,
    agent_teams,
    scorecard_counts,
    team_agents,
    team_exists,
)
from ticketflow_insights.store.targets import targets_for


async def team_scorecard(
    *, conn: asyncpg.Connection, team: str, period: Period, now: datetime
) -> Scorecard:
    """404 for a team the facts do not know."""
    if not await team_exists(conn=conn, team=team):
        raise not_found(f"team {team!r} not found")
    targets = await targets_for(conn=conn, team=team)
    until = period.elapsed_until(now)
    counts = await scorecard_counts(
        conn=conn,
        scope=TEAM,
        key=team,
        start=period.start,
        until=until,
        first_response_target_seconds=targets.first_response_seconds,
    )
    return build_scorecard(
        scope="team",
        id=team,
        period=period,
        as_of=until,
        counts=counts,
        targets=targets,
    )


async def agent_scorecard(
    *, conn: asyncpg.Connection, agent_id: UUID, period: Period, now: datetime
) -> Scorecard:
    """Judged by the targets of the agent's first team (by name); the defaults without one."""
    teams = await agent_teams(conn=conn, agent_id=agent_id)
    if teams is None:
        raise not_found(f"agent {agent_id} not found")
    targets = await targets_for(conn=conn, team=min(teams)) if teams else TeamTargets()
    until = period.elapsed_until(now)
    counts = await scorecard_counts(
        conn=conn,
        scope=AGENT,
        key=agent_id,
        start=period.start,
        until=until,
        first_response_target_seconds=targets.first_response_seconds,
    )
    return build_scorecard(
        scope="agent",
        id=agent_id,
        period=period,
        as_of=until,
        counts=counts,
        targets=targets,
        teams=sorted(teams),
    )


async def team_agent_scorecards(
    *, conn: asyncpg.Connection, team: str, period: Period, now: datetime
) -> list[Scorecard]:
    """Each current agent of a team: what a lead compares."""
    if not await team_exists(conn=conn, team=team):
        raise not_found(f"team {team!r} not found")
    return [
        await agent_scorecard(conn=conn, agent_id=agent_id, period=period, now=now)
        for agent_id in await team_agents(conn=conn, team=team)
    ]


async def visible_agent_scorecard(
    *, conn: asyncpg.Connection, viewer: Viewer, agent_id: UUID, period: Period, now: datetime
) -> Scorecard:
    """403 unless the viewer may see the agent (themself, a lead of one of their teams, an
    admin); only an admin learns that an agent does not exist (404)."""
    if viewer.role != "admin" and viewer.agent_id != agent_id:
        teams = await agent_teams(conn=conn, agent_id=agent_id) or frozenset()
        if not viewer.may_see_agent(agent_id, teams):
            raise ProblemError(403, "this viewer may not see that agent's scorecard")
    return await agent_scorecard(conn=conn, agent_id=agent_id, period=period, now=now)
