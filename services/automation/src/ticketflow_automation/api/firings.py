"""Thin routes: every firing of a rule, and every firing on a ticket (newest first, paged)."""

from uuid import UUID

from fastapi import APIRouter

from ticketflow_automation.api.deps import NowDep, PoolDep
from ticketflow_automation.commands import firings
from ticketflow_automation.domain.firings import Firing
from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.problems import not_found

router = APIRouter(tags=["automation"])


@router.get("/rules/{rule_id}/firings")
async def read_rule_firings(
    rule_id: UUID, pool: PoolDep, now: NowDep, limit: LimitQuery = 50, cursor: CursorQuery = None
) -> Page[Firing]:
    """What the rule did, on which tickets and why."""
    async with pool.acquire() as conn:
        if not await firings.rule_known(conn=conn, rule_id=rule_id, now=now):
            raise not_found(f"rule {rule_id} not found")
        return await firings.list_firings(
            conn=conn, rule_id=rule_id, limit=limit, cursor=cursor, now=now
        )


@router.get("/tickets/{ticket_id}/firings")
async def read_ticket_firings(
    ticket_id: UUID, pool: PoolDep, now: NowDep, limit: LimitQuery = 50, cursor: CursorQuery = None
) -> Page[Firing]:
    """Every rule that fired on the ticket, and why (none yet: an empty page)."""
    async with pool.acquire() as conn:
        return await firings.list_firings(
            conn=conn, ticket_id=ticket_id, limit=limit, cursor=cursor, now=now
        )
