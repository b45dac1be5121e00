"""Thin routes: every firing of a rule, and every firing on a ticket (newest first, paged)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from ticketflow_automation.api.deps import NowDep, PoolDep
from ticketflow_automation.commands import firings
from ticketflow_automation.domain.firings import FiringPage
from ticketflow_common.problems import invalid_field, not_found

router = APIRouter(tags=["automation"])
LimitQuery = Annotated[int, Query(ge=1, le=200, description="Firings per page.")]
AfterQuery = Annotated[
    UUID | None, Query(description="The cursor: the last firing of the previous page.")
]


@router.get("/rules/{rule_id}/firings")
async def read_rule_firings(
    rule_id: UUID, pool: PoolDep, now: NowDep, limit: LimitQuery = 50, after: AfterQuery = None
) -> FiringPage:
    """What the rule did, on which tickets and why."""
    async with pool.acquire() as conn:
        if not await firings.rule_known(conn=conn, rule_id=rule_id, now=now):
            raise not_found(f"rule {rule_id} not found")
        page = await firings.list_firings(
            conn=conn, rule_id=rule_id, limit=limit, after=after, now=now
        )
    if page is None:
        raise invalid_field("query:after", "no firing with this id")
    return page


@router.get("/tickets/{ticket_id}/firings")
async def read_ticket_firings(
    ticket_id: UUID, pool: PoolDep, now: NowDep, limit: LimitQuery = 50, after: AfterQuery = None
) -> FiringPage:
    """Every rule that fired on the ticket, and why (none yet: an empty page)."""
    async with pool.acquire() as conn:
        page = await firings.list_firings(
            conn=conn, ticket_id=ticket_id, limit=limit, after=after, now=now
        )
    if page is None:
        raise invalid_field("query:after", "no firing with this id")
    return page
