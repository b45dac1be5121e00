"""Thin routes that move a ticket through its lifecycle."""

from datetime import timedelta
from uuid import UUID

from fastapi import APIRouter, Response

from ticketflow_common.problems import ProblemError
from ticketflow_intake.api.deps import (
    CanApprove,
    CanWork,
    IfMatchDep,
    PoolDep,
    PrincipalDep,
    SettingsDep,
)
from ticketflow_intake.api.tickets import apply_change
from ticketflow_intake.commands import change
from ticketflow_intake.domain.access import Scope
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
    response: Response,
) -> Ticket:
    """Move to another status; 409 lists the statuses allowed from here."""
    return await apply_change(
        pool,
        response,
        lambda conn, now: change.change_status(
            conn=conn,
            ticket_id=ticket_id,
            change=body,
            principal=principal,
            if_match=if_match,
            now=now,
        ),
    )


@router.post("/approval")
async def decide_approval(
    ticket_id: UUID,
    body: ApprovalDecision,
    principal: CanApprove,
    pool: PoolDep,
    if_match: IfMatchDep,
    response: Response,
) -> Ticket:
    """Approve (the ticket opens for work) or reject (it closes) a ticket pending approval."""
    return await apply_change(
        pool,
        response,
        lambda conn, now: change.decide_approval(
            conn=conn,
            ticket_id=ticket_id,
            decision=body,
            principal=principal,
            if_match=if_match,
            now=now,
        ),
    )


@router.post("/reopen")
async def reopen(
    ticket_id: UUID,
    body: Reopen,
    principal: PrincipalDep,
    pool: PoolDep,
    settings: SettingsDep,
    if_match: IfMatchDep,
    response: Response,
) -> Ticket:
    """Reopen a resolved ticket within the reopen window (its requester or an agent)."""
    if principal.role != "requester" and not principal.can(Scope.WORK_TICKETS):
        raise ProblemError(403, "only the requester or an agent can reopen a ticket")
    return await apply_change(
        pool,
        response,
        lambda conn, now: change.reopen(
            conn=conn,
            ticket_id=ticket_id,
            reason=body.reason,
            principal=principal,
            if_match=if_match,
            window=timedelta(hours=settings.reopen_window_hours),
            now=now,
        ),
    )


@router.post("/transfer")
async def transfer(
    ticket_id: UUID,
    body: Transfer,
    principal: CanWork,
    pool: PoolDep,
    if_match: IfMatchDep,
    response: Response,
) -> Ticket:
    """Hand the ticket to another team, recording who and why."""
    return await apply_change(
        pool,
        response,
        lambda conn, now: change.transfer(
            conn=conn,
            ticket_id=ticket_id,
            request=body,
            principal=principal,
            if_match=if_match,
            now=now,
        ),
    )


@router.post("/escalate")
async def escalate(
    ticket_id: UUID,
    body: Escalation,
    principal: CanWork,
    pool: PoolDep,
    if_match: IfMatchDep,
    response: Response,
) -> Ticket:
    """Raise the escalation level by one, recording who and why."""
    return await apply_change(
        pool,
        response,
        lambda conn, now: change.escalate(
            conn=conn,
            ticket_id=ticket_id,
            request=body,
            principal=principal,
            if_match=if_match,
            now=now,
        ),
    )
