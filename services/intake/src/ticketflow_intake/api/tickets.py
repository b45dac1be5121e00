"""Thin routes for filing, finding, reading and editing tickets, and their timeline."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Header, Query, Response, status
from pydantic import BaseModel

from ticketflow_common.problems import invalid_field
from ticketflow_intake.api.deps import CanCreate, CanWork, IfMatchDep, PoolDep, PrincipalDep
from ticketflow_intake.commands.access_checks import load_visible
from ticketflow_intake.commands.change import update_fields
from ticketflow_intake.commands.create import create_ticket_once
from ticketflow_intake.domain.search import BadCursor, TicketQuery, encode_cursor
from ticketflow_intake.domain.tickets import NewTicket, Ticket, TicketPatch
from ticketflow_intake.domain.timeline import TimelineEntry, visible_timeline
from ticketflow_intake.store.search import search_tickets
from ticketflow_intake.store.timeline import timeline_of

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


class TicketPage(BaseModel):
    items: list[Ticket]
    next_cursor: str | None


def with_etag(response: Response, ticket: Ticket) -> Ticket:
    response.headers["ETag"] = f'"{ticket.version}"'
    return ticket


async def apply_change(
    pool: asyncpg.Pool,
    response: Response,
    command: Callable[[asyncpg.Connection, datetime], Awaitable[Ticket]],
) -> Ticket:
    """Run one change of a ticket in its own transaction and answer with the new ETag."""
    async with pool.acquire() as conn, conn.transaction():
        ticket = await command(conn, datetime.now(UTC))
    return with_etag(response, ticket)


@router.post("", status_code=status.HTTP_201_CREATED)
async def file_ticket(
    body: NewTicket,
    principal: CanCreate,
    pool: PoolDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Ticket:
    """File a ticket; it starts in `pending_approval` when its amount needs approval."""
    async with pool.acquire() as conn, conn.transaction():
        ticket, replayed = await create_ticket_once(
            conn=conn,
            new=body,
            principal=principal,
            idempotency_key=idempotency_key,
            now=datetime.now(UTC),
        )
    response.headers["Location"] = f"/tickets/{ticket.id}"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return with_etag(response, ticket)


@router.get("")
async def find_tickets(
    query: Annotated[TicketQuery, Query()], principal: PrincipalDep, pool: PoolDep
) -> TicketPage:
    """Filter, search and page; requesters only ever see their own tickets."""
    try:
        async with pool.acquire() as conn:
            tickets, cursor = await search_tickets(conn=conn, query=query, principal=principal)
    except BadCursor as exc:
        raise invalid_field("query:cursor", str(exc)) from exc
    return TicketPage(items=tickets, next_cursor=encode_cursor(cursor) if cursor else None)


@router.get("/{ticket_id}")
async def read_ticket(
    ticket_id: UUID, principal: PrincipalDep, pool: PoolDep, response: Response
) -> Ticket:
    async with pool.acquire() as conn:
        ticket = await load_visible(conn=conn, ticket_id=ticket_id, principal=principal)
    return with_etag(response, ticket)


@router.patch("/{ticket_id}")
async def edit_ticket(
    ticket_id: UUID,
    body: TicketPatch,
    principal: CanWork,
    pool: PoolDep,
    if_match: IfMatchDep,
    response: Response,
) -> Ticket:
    """Change fields; send `If-Match` with the ETag you read to be told of a lost update."""
    return await apply_change(
        pool,
        response,
        lambda conn, now: update_fields(
            conn=conn,
            ticket_id=ticket_id,
            patch=body,
            principal=principal,
            if_match=if_match,
            now=now,
        ),
    )


@router.get("/{ticket_id}/timeline")
async def read_timeline(
    ticket_id: UUID, principal: PrincipalDep, pool: PoolDep
) -> list[TimelineEntry]:
    """Every event of the ticket from intake, routing, sla and notify, oldest first; requesters
    see only what concerns them, and only agents see internal notes."""
    async with pool.acquire() as conn:
        await load_visible(conn=conn, ticket_id=ticket_id, principal=principal)
        entries = await timeline_of(conn=conn, ticket_id=ticket_id)
    return visible_timeline(entries, principal)
