"""Thin routes that move a ticket through its lifecycle."""

from uuid import UUID

from fastapi import APIRouter, Response

from ticketflow_intake.api.deps import (
    CanApprove,
    CanWork,
    IfMatchDep,
    NowDep,
    PoolDep,
    PrincipalDep,
    SettingsDep,
)
from ticketflow_intake.api.tickets import with_etag
from ticketflow_intake.commands import change
from ticketflow_intake.domain.tickets import (
    ApprovalDecision,
    Escalation,
    Reopen,
    StatusChange,
    Ticket,
    Transfer,
)

router = APIRouter(prefix="/tickets/{ticket_id}", tags=["lifecycle"])


@router.post("/status")
async def set_status(
    ticket_id: UUID,
    body: StatusChange,
    principal: CanWork,
    pool: PoolDep,
    if_match: IfMatchDep,
    now: NowDep,
    response: Response,
) -> Ticket:
    """Move to another status; 409 lists the statuses allowed from here."""
    async with pool.acquire() as conn:
        ticket = await change.change_status(
            conn=conn,
            ticket_id=ticket_id,
            change=body,
            principal=principal,
            if_match=if_match,
            now=now,
        )
    return with_etag(response, ticket)


@router.post("/approval")
async def decide_approval(
    ticket_id: UUID,
    body: ApprovalDecision,
    principal: CanApprove,
    pool: PoolDep,
    if_match: IfMatchDep,
    now: NowDep,
    response: Response,
) -> Ticket:
    """Approve (the ticket opens for work) or reject (it closes) a ticket pending approval."""
    async with pool.acquire() as conn:
        ticket = await change.decide_approval(
            conn=conn,
            ticket_id=ticket_id,
            decision=body,
            principal=principal,
            if_match=if_match,
            now=now,
        )
    return with_etag(response, ticket)


@router.post("/reopen")
async def reopen(
    ticket_id: UUID,
    body: Reopen,
    principal: PrincipalDep,
    pool: PoolDep,
    settings: SettingsDep,
    if_match: IfMatchDep,
    now: NowDep,
    response: Response,
) -> Ticket:
    """Reopen a resolved ticket within the reopen window (its requester or an agent)."""
    async with pool.acquire() as conn:
        ticket = await change.reopen(
            conn=conn,
            ticket_id=ticket_id,
            reason=body.reason,
            principal=principal,
            if_match=if_match,
            window=settings.reopen_window(),
            now=now,
        )
    return with_etag(response, ticket)


@router.post("/transfer")
async def transfer(
    ticket_id: UUID,
    body: Transfer,
    principal: CanWork,
    pool: PoolDep,
    if_match: IfMatchDep,
    now: NowDep,
    response: Response,
) -> Ticket:
    """Hand the ticket to another team, recording who and why."""
    async with pool.acquire() as conn:
        ticket = await change.transfer(
            conn=conn,
            ticket_id=ticket_id,
            request=body,
            principal=principal,
            if_match=if_match,
            now=now,
        )
    return with_etag(response, ticket)


@router.post("/escalate")
async def escalate(
    ticket_id: UUID,
    body: Escalation,
    principal: CanWork,
    pool: PoolDep,
    if_match: IfMatchDep,
    now: NowDep,
    response: Response,
) -> Ticket:
    """Raise the escalation level by one, recording who and why."""
    async with pool.acquire() as conn:
        ticket = await change.escalate(
            conn=conn,
            ticket_id=ticket_id,
            request=body,
            principal=principal,
            if_match=if_match,
            now=now,
        )
    return with_etag(response, ticket)
