"""Thin routes for a ticket's routing: the decision and its explanation, manual reassignment."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from ticketflow_common.input_model import InputModel
from ticketflow_routing.api.deps import ClockDep, PolicyDep, PoolDep
from ticketflow_routing.reassignment import Refusal, reassign
from ticketflow_routing.store.assignments import get_assignment, pickup_due_at
from ticketflow_routing.store.decisions import decisions_of
from ticketflow_routing.store.queue import queue_position
from ticketflow_routing.store.tickets import get_ticket

router = APIRouter(prefix="/tickets", tags=["routing"])


class Owner(BaseModel):
    agent_id: UUID
    assigned_at: datetime
    reason: str
    pickup_due_at: datetime | None


class QueuePlace(BaseModel):
    team: str | None
    position: int


class Decision(BaseModel):
    kind: str
    agent_id: UUID | None
    strategy: str | None
    reason: str | None
    detail: dict[str, Any]
    decided_at: datetime


class TicketRouting(BaseModel):
    ticket_id: UUID
    status: str
    priority: str
    team: str | None
    language: str
    required_skills: list[str]
    version: int
    owner: Owner | None
    queued: QueuePlace | None
    decisions: list[Decision] = Field(description="Newest first.")


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
        ticket = await get_ticket(conn=conn, ticket_id=ticket_id)
        if ticket is None:
            raise HTTPException(
                status.HTTP_404_NOT_FOUND, detail=f"ticket {ticket_id} is not known to routing"
            )
        owner = await get_assignment(conn=conn, ticket_id=ticket_id)
        due = await pickup_due_at(conn=conn, ticket_id=ticket_id) if owner else None
        position = await queue_position(conn=conn, ticket_id=ticket_id)
        decisions = await decisions_of(conn=conn, ticket_id=ticket_id, limit=limit)
    return TicketRouting(
        ticket_id=ticket.ticket_id,
        status=ticket.status,
        priority=ticket.priority,
        team=ticket.team,
        language=ticket.language,
        required_skills=list(ticket.required_skills),
        version=ticket.version,
        owner=Owner(
            agent_id=owner.agent_id,
            assigned_at=owner.assigned_at,
            reason=owner.reason,
            pickup_due_at=due,
        )
        if owner
        else None,
        queued=QueuePlace(team=ticket.team, position=position) if position else None,
        decisions=[Decision.model_validate(d) for d in decisions],
    )


@router.post("/{ticket_id}/assignment")
async def post_assignment(
    ticket_id: UUID, body: Reassignment, pool: PoolDep, policy: PolicyDep, clock: ClockDep
) -> Owner:
    """Reassign by hand: to `agent_id` (capacity is still respected), or to the best other
    eligible agent. Emits `ticket.unassigned` then `ticket.assigned`; 409 changes nothing."""
    async with pool.acquire() as conn:
        async with conn.transaction():
            outcome = await reassign(
                conn=conn, ticket_id=ticket_id, agent_id=body.agent_id, now=clock(), policy=policy
            )
            if isinstance(outcome, Refusal):
                raise HTTPException(outcome.status, detail=outcome.detail)
        owner = await get_assignment(conn=conn, ticket_id=ticket_id)
        due = await pickup_due_at(conn=conn, ticket_id=ticket_id)
    assert owner is not None
    return Owner(
        agent_id=owner.agent_id,
        assigned_at=owner.assigned_at,
        reason=owner.reason,
        pickup_due_at=due,
    )
