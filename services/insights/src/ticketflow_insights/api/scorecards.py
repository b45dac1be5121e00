"""Thin routes for scorecards: an agent sees their own, a lead their teams', an admin all."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query

from ticketflow_common.input_model import Instant
from ticketflow_common.pagination import Page
from ticketflow_common.problems import ProblemError, invalid_field
from ticketflow_common.time_zones import TimeZoneName
from ticketflow_insights.api.deps import NowDep, PoolDep, ViewerDep
from ticketflow_insights.commands.scorecards import (
    team_agent_scorecards,
    team_scorecard,
    visible_agent_scorecard,
)
from ticketflow_insights.domain.periods import Period, PeriodKind, period_containing
from ticketflow_insights.domain.scorecards import Scorecard

router = APIRouter(tags=["scorecards"])

Team = Annotated[str, Path(min_length=1, max_length=100)]
PeriodQuery = Annotated[PeriodKind, Query(alias="period", description="The calendar period.")]
AtQuery = Annotated[
    Instant | None,
    Query(alias="at", description="An instant within the period (with its offset); default now."),
]
TzQuery = Annotated[
    TimeZoneName, Query(alias="tz", description="Where the period's days begin (IANA name).")
]


def requested_period(kind: PeriodKind, at: datetime | None, tz: str, now: datetime) -> Period:
    """The period containing `at` (default now); 422 naming `at` without an offset."""
    if at is not None and at.tzinfo is None:
        raise invalid_field("query:at", "an instant with a UTC offset, e.g. 2026-03-02T09:00Z")
    return period_containing(kind, at or now, tz=tz)


@router.get("/scorecards/agents/{agent_id}")
async def read_agent_scorecard(
    agent_id: UUID,
    viewer: ViewerDep,
    pool: PoolDep,
    now: NowDep,
    period: PeriodQuery = "week",
    at: AtQuery = None,
    tz: TzQuery = "UTC",
) -> Scorecard:
    """An agent's own, a lead's for the agents of the teams they lead; 403 otherwise."""
    async with pool.acquire() as conn:
        return await visible_agent_scorecard(
            conn=conn,
            viewer=viewer,
            agent_id=agent_id,
            period=requested_period(period, at, tz, now),
            now=now,
        )


@router.get("/scorecards/teams/{team}")
async def read_team_scorecard(
    team: Team,
    viewer: ViewerDep,
    pool: PoolDep,
    now: NowDep,
    period: PeriodQuery = "week",
    at: AtQuery = None,
    tz: TzQuery = "UTC",
) -> Scorecard:
    """For the team's lead or an admin; 404 for a team the facts do not know."""
    forbid_unless_team(viewer_may=viewer.may_see_team(team))
    async with pool.acquire() as conn:
        return await team_scorecard(
            conn=conn, team=team, period=requested_period(period, at, tz, now), now=now
        )


@router.get("/scorecards/teams/{team}/agents")
async def read_team_agent_scorecards(
    team: Team,
    viewer: ViewerDep,
    pool: PoolDep,
    now: NowDep,
    period: PeriodQuery = "week",
    at: AtQuery = None,
    tz: TzQuery = "UTC",
) -> Page[Scorecard]:
    """Every current agent of the team, side by side, in one page (a team's agents): for its
    lead or an admin."""
    forbid_unless_team(viewer_may=viewer.may_see_team(team))
    async with pool.acquire() as conn:
        cards = await team_agent_scorecards(
            conn=conn, team=team, period=requested_period(period, at, tz, now), now=now
        )
    return Page[Scorecard](items=cards, next_cursor=None)


def forbid_unless_team(*, viewer_may: bool) -> None:
    if not viewer_may:
        raise ProblemError(403, "only the team's lead or an admin may see this team's figures")
