"""Thin routes for filing, finding, reading and editing tickets, and their timeline."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_intake.api.deps import (
    CanCreate,
    ChangeByWorker,
    PoolDep,
    PrincipalDep,
    RuntimeDep,
    with_etag,
)
from ticketflow_intake.commands import read
from ticketflow_intake.commands.change import update_fields
from ticketflow_intake.commands.create import create_ticket_once
from ticketflow_intake.domain.search import TicketQuery
from ticketflow_intake.domain.tickets import NewTicket, Ticket, TicketPatch
from ticketflow_intake.domain.timeline import TimelineEntry

router = APIRouter(prefix="/tickets", tags=["tickets"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Retries with the same key get the first response; another body gets 422.",
    ),
]


@router.post("", status_code=status.HTTP_201_CREATED)
async def file_ticket(
    body: NewTicket,
    principal: CanCreate,
    runtime: RuntimeDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Ticket:
    """File a ticket; it starts in `pending_approval` when its amount needs approval, and its
    category's approvers are asked (`ticket.approval_requested`)."""
    # The runtime, not PoolDep, NowDep and SettingsDep: the busiest route solves one
    # dependency where it would solve three.
    async with runtime.pool.acquire() as conn:
        ticket, replayed = await create_ticket_once(
            conn=conn,
            new=body,
            principal=principal,
            idempotency_key=idempotency_key,
            now=runtime.clock(),
            approval_timing=runtime.settings.approval_timing(),
        )
    response.headers["Location"] = f"/tickets/{ticket.id}"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return with_etag(response, ticket)


@router.get("")
async def find_tickets(
    query: Annotated[TicketQuery, Query()], principal: PrincipalDep, pool: PoolDep
) -> Page[Ticket]:
    """Filter, search and page; requesters only ever see their own tickets."""
    async with pool.acquire() as conn:
        return await read.find_tickets(conn=conn, query=query, principal=principal)


@router.get("/{ticket_id}")
async def read_ticket(
    ticket_id: UUID, principal: PrincipalDep, pool: PoolDep, response: Response
) -> Ticket:
    async with pool.acquire() as conn:
        ticket = await read.read_ticket(conn=conn, ticket_id=ticket_id, principal=principal)
    return with_etag(response, ticket)


@router.patch("/{ticket_id}")
async def edit_ticket(body: TicketPatch, change: ChangeByWorker) -> Ticket:
    """Change fields; send `If-Match` with the ETag you read to be told of a lost update."""
    return await change.run(update_fields, body)


@router.get("/{ticket_id}/timeline")
async def read_timeline(
    ticket_id: UUID,
    principal: PrincipalDep,
    pool: PoolDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[TimelineEntry]:
    """Every event of the ticket from intake, routing, sla and notify, oldest first; requesters
    see only what concerns them, and only agents see internal notes."""
    async with pool.acquire() as conn:
        return await read.read_timeline(
            conn=conn, ticket_id=ticket_id, principal=principal, cursor=cursor, limit=limit
        )
