"""Thin routes that move a ticket through its lifecycle."""

from functools import partial

from fastapi import APIRouter

from ticketflow_intake.api.deps import (
    ChangeByApprover,
    ChangeByCaller,
    ChangeByWorker,
    SettingsDep,
)
from ticketflow_intake.commands import change as commands
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
async def set_status(body: StatusChange, change: ChangeByWorker, settings: SettingsDep) -> Ticket:
    """Move to another status; 409 lists the statuses allowed from here. Resolving invites
    the requester to a satisfaction survey."""
    surveys = settings.survey_policy()
    return await change.run(partial(commands.change_status, surveys=surveys), body)


@router.post("/approval")
async def decide_approval(body: ApprovalDecision, change: ChangeByApprover) -> Ticket:
    """Approve (the ticket opens for work) or reject (it closes) a ticket pending approval."""
    return await change.run(commands.decide_approval, body)


@router.post("/reopen")
async def reopen(body: Reopen, change: ChangeByCaller, settings: SettingsDep) -> Ticket:
    """Reopen a resolved ticket within the reopen window (its requester or an agent)."""
    return await change.run(partial(commands.reopen, window=settings.reopen_window()), body)


@router.post("/transfer")
async def transfer(body: Transfer, change: ChangeByWorker) -> Ticket:
    """Hand the ticket to another team, recording who and why."""
    return await change.run(commands.transfer, body)


@router.post("/escalate")
async def escalate(body: Escalation, change: ChangeByWorker) -> Ticket:
    """Raise the escalation level by one, recording who and why."""
    return await change.run(commands.escalate, body)
