"""Team lead pages: a team's open, waiting, breached and at-risk tickets, its agents, the
staffing plan drawn as a chart, the scorecard and approvals; and the published reports."""

from datetime import datetime
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ticketflow_console.api.deps import SessionDep
from ticketflow_console.api.desk_deps import DeskDep, role_refused
from ticketflow_console.api.rendering import render
from ticketflow_console.commands.lead import may_lead, reports, team_page
from ticketflow_console.domain.times import zone_or_default

router = APIRouter(prefix="/lead", tags=["lead"])
TEAM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
Team = Annotated[str, Path(min_length=1, max_length=100, pattern=TEAM_PATTERN)]


@router.get("", response_class=HTMLResponse)
async def show_lead_home(
    request: Request,
    session: SessionDep,
    team: Annotated[str | None, Query(max_length=100, pattern=TEAM_PATTERN)] = None,
) -> Response:
    """The teams the lead leads (an admin names one); one team goes straight to its page."""
    if not may_lead(session):
        return role_refused(request, session, "lead")
    chosen = team or (session.teams[0] if len(session.teams) == 1 else None)
    if chosen is not None:
        return RedirectResponse(f"/lead/teams/{quote(chosen)}", status_code=303)
    return render(request, "lead/index.html", session=session, teams=session.teams)


@router.get("/teams/{team}", response_class=HTMLResponse)
async def show_team(request: Request, team: Team, session: SessionDep, desk: DeskDep) -> Response:
    if not may_lead(session, team):
        return role_refused(request, session, "lead")
    zone = ZoneInfo(zone_or_default(session.time_zone))

    def hour_of(instant: datetime) -> str:
        return instant.astimezone(zone).strftime("%H:%M")

    page = await team_page(desk=desk, session=session, team=team, label_of=hour_of)
    return render(request, "lead/team.html", session=session, page=page, hour_of=hour_of)


@router.get("/reports", response_class=HTMLResponse)
async def show_reports(
    request: Request,
    session: SessionDep,
    desk: DeskDep,
    team: Annotated[str | None, Query(max_length=100, pattern=TEAM_PATTERN)] = None,
) -> Response:
    """Published reports (insights) for the lead's teams, or one team's."""
    if not may_lead(session, team):
        return role_refused(request, session, "lead")
    found = await reports(desk=desk, session=session, team=team)
    return render(request, "lead/reports.html", session=session, reports=found, team=team)
