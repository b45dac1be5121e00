"""Thin routes for a ticket's clocks and the achievement report."""

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from ticketflow_common.input_model import Instant
from ticketflow_common.problems import ProblemError, invalid_field
from ticketflow_sla.api.deps import ClockDep, PoolDep
from ticketflow_sla.domain.clocks import ClockView, clock_view
from ticketflow_sla.domain.reports import AchievementRow
from ticketflow_sla.lifecycle import calendar_of
from ticketflow_sla.store.clocks import clocks_of_ticket, pauses_of
from ticketflow_sla.store.reports import achievement
from ticketflow_sla.store.tickets import get_ticket

router = APIRouter(tags=["clocks"])


@router.get("/tickets/{ticket_id}/sla")
async def read_ticket_clocks(ticket_id: UUID, pool: PoolDep, clock: ClockDep) -> list[ClockView]:
    """Every clock of the ticket: state, deadline, business time used, remaining or overdue,
    and its pauses; 404 for a ticket SLA has not heard of."""
    now = clock()
    async with pool.acquire() as conn:
        clocks = await clocks_of_ticket(conn=conn, ticket_id=ticket_id)
        if not clocks and await get_ticket(conn=conn, ticket_id=ticket_id) is None:
            raise ProblemError(404, f"ticket {ticket_id} is not known to sla")
        pauses = await pauses_of(conn=conn, clock_ids=[c.id for c in clocks])
        return [
            clock_view(c, await calendar_of(conn=conn, name=c.calendar), now, pauses.get(c.id, []))
            for c in clocks
        ]


@router.get("/reports/achievement")
async def read_achievement(
    pool: PoolDep,
    clock: ClockDep,
    since: Annotated[Instant | None, Query(description="Clocks started at or after.")] = None,
    until: Annotated[Instant | None, Query(description="Clocks started before.")] = None,
) -> list[AchievementRow]:
    """Met vs breached and p50/p90 business time, per policy, team and metric, over a period
    (the last 30 days unless given)."""
    until = until or clock()
    since = since or until - timedelta(days=30)
    if since.tzinfo is None or until.tzinfo is None:
        raise invalid_field("query:since", "since and until need a time zone offset")
    if since >= until:
        raise invalid_field("query:since", "since must be before until")
    async with pool.acquire() as conn:
        return await achievement(conn=conn, since=since, until=until)
