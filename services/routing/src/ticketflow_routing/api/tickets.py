"""Thin routes for a ticket's routing: the decision and its explanation, manual reassignment."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import Field

from ticketflow_common.input_model import InputModel
from ticketflow_common.problems import not_found
from ticketflow_common.transient import retry_lock_conflicts
from ticketflow_routing.api.deps import NowDep, PolicyDep, PoolDep
from ticketflow_routing.commands.reassign import reassign
from ticketflow_routing.commands.ticket_routing import ticket_routing
from ticketflow_routing.domain.ticket_routing import Owner, TicketRouting

router = APIRouter(prefix="/tickets", tags=["routing"])


class Reassignment(InputModel):
    agent_id: UUID | None = Field(
        default=None, description="The new owner; left out: the best other eligible agent."
    )


@router.get("/{ticket_id}/routing")
async def read_routing(
    ticket_id: UUID, pool: PoolDep, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> TicketRouting:
    """Who owns the ticket or where it waits, and why: scores, alternatives, exclusions."""
    async with pool.acquire() as conn:
        routing = await ticket_routing(conn=conn, ticket_id=ticket_id, limit=limit)
    if routing is None:
        raise not_found(f"ticket {ticket_id} is not known to routing")
    return routing


@router.post("/{ticket_id}/assignment")
async def post_assignment(
    ticket_id: UUID, body: Reassignment, pool: PoolDep, policy: PolicyDep, now: NowDep
) -> Owner:
    """Reassign by hand: to `agent_id` (capacity is still respected), or to the best other
    eligible agent. Emits `ticket.unassigned` then `ticket.assigned`; 409 changes nothing."""

    async def attempt() -> Owner:
        async with pool.acquire() as conn:
            return await reassign(
                conn=conn, ticket_id=ticket_id, agent_id=body.agent_id, now=now, policy=policy
            )

    return await retry_lock_conflicts(attempt)
