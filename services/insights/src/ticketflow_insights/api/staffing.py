"""Thin routes for staffing: a team's plan, and the understaffed windows coming up."""

from typing import Annotated

from fastapi import APIRouter, Query

from ticketflow_common.pagination import Page
from ticketflow_common.problems import ProblemError, invalid_field
from ticketflow_insights.api.deps import NowDep, PoolDep, SettingsDep, ViewerDep
from ticketflow_insights.commands.staffing import (
    StaffingGapWindow,
    StaffingPlan,
    coming_gaps,
    handling_learning,
    staffing_plan,
)

router = APIRouter(tags=["staffing"])
INTERVALS = (15, 30, 60)


@router.get("/staffing/gaps")
async def read_staffing_gaps(
    pool: PoolDep,
    now: NowDep,
    viewer: ViewerDep,
    settings: SettingsDep,
    hours: Annotated[float, Query(gt=0, le=336, description="How far ahead.")] = 48,
) -> Page[StaffingGapWindow]:
    """Understaffed windows in the next `hours` (at most 14 days) of the teams the caller may
    see, in one page."""
    teams = None if viewer.role == "admin" else viewer.led_teams
    async with pool.acquire() as conn:
        windows = await coming_gaps(
            conn=conn,
            now=now,
            hours=hours,
            interval_minutes=settings.staffing_interval_minutes,
            teams=teams,
            learning=handling_learning(settings),
        )
    return Page[StaffingGapWindow](items=windows, next_cursor=None)


@router.get("/staffing/{team}")
async def read_staffing_plan(
    team: str,
    pool: PoolDep,
    now: NowDep,
    viewer: ViewerDep,
    settings: SettingsDep,
    days: Annotated[int, Query(ge=1, le=28, description="Days ahead.")] = 7,
    interval: Annotated[
        int, Query(ge=15, le=60, description="Minutes per interval: 15, 30 or 60.")
    ] = 30,
) -> StaffingPlan:
    """Forecast arrivals, handling time, required and scheduled agents and the gap per interval;
    403 unless admin or lead of the team, 404 for a team insights has not heard of."""
    if interval not in INTERVALS:
        raise invalid_field("query:interval", "must be 15, 30 or 60 (minutes)")
    if not viewer.may_see_team(team):
        raise ProblemError(403, f"only an admin or a lead of team {team} sees its staffing")
    async with pool.acquire() as conn:
        return await staffing_plan(
            conn=conn,
            team=team,
            now=now,
            days=days,
            interval_minutes=interval,
            learning=handling_learning(settings),
        )
