"""A team lead's page gathered from the services as the lead: the team's open and waiting
tickets, breaches and tickets at risk, its agents, the staffing plan, the scorecard, approvals."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from ticketflow_console.adapters.desk_services import DeskServices
from ticketflow_console.adapters.services import Json, UpstreamDown
from ticketflow_console.domain.sessions import Session
from ticketflow_console.domain.staffing_chart import ChartInterval, StaffingChart, staffing_chart
from ticketflow_console.domain.times import parse_instant
from ticketflow_console.domain.urgency import OPEN_STATUSES

LEAD_ROLES = frozenset({"lead", "admin"})
T = TypeVar("T")


@dataclass(frozen=True)
class TeamPage:
    """Everything the team page shows; a list is empty where a service said nothing."""

    team: str
    open_tickets: list[Json]
    waiting: list[Json]
    breached: list[Json]
    at_risk: list[Json]
    agents: list[Json]
    staffing: Json | None
    chart: StaffingChart | None
    scorecard: Json | None
    approvals: list[Json]


def may_lead(session: Session, team: str | None = None) -> bool:
    """A lead (of `team`, when named) or an admin."""
    if session.role == "admin":
        return True
    return session.role == "lead" and (team is None or team in session.teams)


async def team_page(
    *, desk: DeskServices, session: Session, team: str, label_of: Callable[[datetime], str]
) -> TeamPage:
    token = session.access_token
    lists, optional = await asyncio.gather(
        _lists(desk, token, team),
        asyncio.gather(
            _or_none(desk.staffing(token, team, interval=60)),
            _or_none(desk.team_scorecard(token, team, period="week")),
        ),
    )
    open_tickets, waiting, breached, at_risk, agents, approvals = lists
    staffing, scorecard = optional
    chart = None
    if staffing is not None and staffing.get("intervals"):
        chart = staffing_chart(chart_intervals(staffing), label_of=label_of)
    return TeamPage(
        team=team,
        open_tickets=open_tickets,
        waiting=waiting,
        breached=breached,
        at_risk=at_risk,
        agents=agents,
        staffing=staffing,
        chart=chart,
        scorecard=scorecard,
        approvals=approvals,
    )


async def _lists(desk: DeskServices, token: str, team: str) -> tuple[list[Json], ...]:
    return await asyncio.gather(
        desk.team_tickets(token, team, status=sorted(OPEN_STATUSES), sort="-priority"),
        _or_empty(desk.waiting_queue(token, team)),
        desk.team_tickets(token, team, sla_breached="true", status=sorted(OPEN_STATUSES)),
        _or_empty(desk.at_risk(token, team)),
        _or_empty(desk.agents(token, team)),
        desk.team_tickets(token, team, status="pending_approval"),
    )


def chart_intervals(staffing: Json) -> list[ChartInterval]:
    intervals = []
    for item in staffing["intervals"]:
        starts = parse_instant(item["interval_start"])
        assert starts is not None
        intervals.append(
            ChartInterval(
                starts_at=starts,
                scheduled=int(item["scheduled_agents"]),
                required=item.get("required_agents"),
            )
        )
    return intervals


async def reports(*, desk: DeskServices, session: Session, team: str | None) -> list[Json]:
    return await desk.reports(session.access_token, team)


async def _or_empty(call: Awaitable[list[Json]]) -> list[Json]:
    """A section a down service leaves empty rather than failing the page."""
    try:
        return await call
    except UpstreamDown:
        return []


async def _or_none(call: Awaitable[T]) -> T | None:
    try:
        return await call
    except UpstreamDown:
        return None
