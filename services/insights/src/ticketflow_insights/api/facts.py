"""Thin routes for the facts: arrivals per interval, one ticket's durations."""

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from ticketflow_common.input_model import Instant
from ticketflow_insights.api.deps import NowDep, PoolDep, ViewerDep
from ticketflow_insights.commands.facts_queries import read_arrivals, read_ticket_facts
from ticketflow_insights.domain.facts_views import ArrivalsAnswer, TicketFactsView

router = APIRouter(tags=["facts"])
Dimension = Annotated[str | None, Query(max_length=100)]


@router.get("/arrivals")
async def get_arrivals(
    pool: PoolDep,
    now: NowDep,
    viewer: ViewerDep,
    interval: Annotated[int, Query(ge=15, le=60, description="Minutes: 15, 30 or 60.")] = 15,
    start: Annotated[
        Instant | None, Query(alias="from", description="Default: 24 h before `to`.")
    ] = None,
    end: Annotated[Instant | None, Query(alias="to", description="Exclusive; default now.")] = None,
    team: Dimension = None,
    channel: Dimension = None,
    category: Dimension = None,
    priority: Dimension = None,
    group_by: Annotated[
        str, Query(max_length=100, description="Comma-separated: team,channel,category,priority.")
    ] = "",
) -> ArrivalsAnswer:
    """Tickets created per interval (sums of 15-minute buckets); '' stands for no team or
    category. Admins see every team, leads their own."""
    end = end or now
    start = start or end - timedelta(days=1)
    async with pool.acquire() as conn:
        return await read_arrivals(
            conn=conn,
            viewer=viewer,
            minutes=interval,
            start=start,
            end=end,
            filters={"team": team, "channel": channel, "category": category, "priority": priority},
            group_by=[d.strip() for d in group_by.split(",") if d.strip()],
        )


@router.get("/tickets/{ticket_id}/facts")
async def get_ticket_facts(ticket_id: UUID, pool: PoolDep, viewer: ViewerDep) -> TicketFactsView:
    """One ticket's instants, durations (time to owner, first response, resolution, handling),
    FCR, reopens, CSAT and time per status; 404 for a ticket insights has not heard of."""
    async with pool.acquire() as conn:
        return await read_ticket_facts(conn=conn, viewer=viewer, ticket_id=ticket_id)
