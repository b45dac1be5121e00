"""Thin routes for a ticket's clocks and the achievement report."""

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from ticketflow_common.input_model import Instant
from ticketflow_common.pagination import Page
from ticketflow_common.problems import invalid_field
from ticketflow_sla.api.deps import NowDep, PoolDep
from ticketflow_sla.commands.reports import achievement_report
from ticketflow_sla.commands.ticket_clocks import ticket_clocks
from ticketflow_sla.domain.reports import AchievementRow
from ticketflow_sla.domain.sla_clocks import ClockView

router = APIRouter(tags=["clocks"])


@router.get("/tickets/{ticket_id}/sla")
async def read_ticket_clocks(ticket_id: UUID, pool: PoolDep, now: NowDep) -> Page[ClockView]:
    """Every clock of the ticket: state, deadline, business time used, remaining or overdue,
    and its pauses; 404 for a ticket SLA has not heard of. One page: a ticket has a clock
    per metric."""
    async with pool.acquire() as conn:
        clocks = await ticket_clocks(conn=conn, ticket_id=ticket_id, now=now)
    return Page[ClockView](items=clocks, next_cursor=None)


@router.get("/reports/achievement")
async def read_achievement(
    pool: PoolDep,
    now: NowDep,
    since: Annotated[Instant | None, Query(description="Clocks started at or after.")] = None,
    until: Annotated[Instant | None, Query(description="Clocks started before.")] = None,
) -> Page[AchievementRow]:
    """Met vs breached and p50/p90 business time, per policy, team and metric, over a period
    (the last 30 days unless given). One page: a row per configured policy, team and
    metric."""
    until = until or now
    since = since or until - timedelta(days=30)
    if since.tzinfo is None or until.tzinfo is None:
        raise invalid_field("query:since", "since and until need a time zone offset")
    if since >= until:
        raise invalid_field("query:since", "since must be before until")
    async with pool.acquire() as conn:
        rows = await achievement_report(conn=conn, since=since, until=until)
    return Page[AchievementRow](items=rows, next_cursor=None)
