"""Thin routes for creating and reading tickets."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

from fastapi import APIRouter, HTTPException, Response, status

from intake.api.deps import PoolDep
from intake.domain.tickets import NewTicket, Ticket
from intake.store.tickets import get_ticket, insert_ticket
from ticketflow_common.envelope import new_event
from ticketflow_common.events import TicketCreated
from ticketflow_common.outbox import enqueue_event

router = APIRouter(prefix="/tickets", tags=["tickets"])

SOURCE = "/ticketflow/intake"


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_ticket(body: NewTicket, pool: PoolDep, response: Response) -> Ticket:
    """Store the ticket and its `ticket.created` event in one transaction."""
    ticket_id = uuid4()
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        ticket = await insert_ticket(conn=conn, ticket_id=ticket_id, new=body, now=now)
        event = new_event(
            TicketCreated(
                ticket_id=ticket.id,
                subject=ticket.subject,
                priority=ticket.priority,
                required_skills=ticket.required_skills,
                requester_id=ticket.requester.id,
                created_at=ticket.created_at,
            ),
            source=SOURCE,
            subject=str(ticket.id),
            time=now,
        )
        await enqueue_event(conn=conn, event=event, topic=TicketCreated.topic, key=str(ticket.id))
    response.headers["Location"] = f"/tickets/{ticket.id}"
    return ticket


@router.get("/{ticket_id}")
async def read_ticket(ticket_id: UUID, pool: PoolDep) -> Ticket:
    async with pool.acquire() as conn:
        ticket = await get_ticket(conn=conn, ticket_id=ticket_id)
    if ticket is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"ticket {ticket_id} not found")
    return ticket
