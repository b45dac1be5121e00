"""Approval requests: opened when a ticket enters pending_approval, reminded and escalated by
the rounds worker when nobody decides in time, closed by the decision (API or signed link).
Each step and its `ticket.approval_requested` / `ticket.approval_decided` commit together."""

import logging
from datetime import datetime
from functools import partial
from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events import TicketApprovalDecided, TicketApprovalRequested
from ticketflow_common.problems import ProblemError
from ticketflow_intake.commands.metrics import (
    APPROVAL_DECISION_SECONDS,
    APPROVALS_DECIDED,
    APPROVALS_ESCALATED,
    APPROVALS_REQUESTED,
    APPROVALS_UNROUTABLE,
)
from ticketflow_intake.commands.ticket_events import emit_ticket_event
from ticketflow_intake.domain.approvals import (
    ApprovalTiming,
    Round,
    after_round,
    asked_in,
    timing_for,
)
from ticketflow_intake.domain.catalogue import Category
from ticketflow_intake.domain.ticket_events import facts
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.store import approvals as store
from ticketflow_intake.store.categories import get_any_category
from ticketflow_intake.store.tickets import get_ticket

log = logging.getLogger(__name__)
BATCH = 100


async def _emit_round(
    *,
    conn: asyncpg.Connection,
    ticket: Ticket,
    category: Category | None,
    approval_id: UUID,
    round: Round,
    due_at: datetime,
    now: datetime,
) -> None:
    """`ticket.approval_requested` for this round, to whom the category names for it now."""
    asked = asked_in(round, category)
    label = ticket.category or "none"
    if not asked:
        log.warning(
            "approval round %s of ticket %s has nobody to ask: category %r names no approvers",
            round,
            ticket.id,
            label,
        )
        after_commit(conn, APPROVALS_UNROUTABLE.labels(label).inc)
    after_commit(conn, APPROVALS_REQUESTED.labels(round, label).inc)
    if round == "escalation":
        after_commit(conn, APPROVALS_ESCALATED.labels(label).inc)
    data = TicketApprovalRequested(
        **facts(ticket),
        approval_id=approval_id,
        round=round,
        approvers=asked,
        amount=ticket.amount,
        due_at=due_at,
        requested_at=now,
    )
    await emit_ticket_event(conn=conn, data=data, now=now)


async def open_approval_request(
    *,
    conn: asyncpg.Connection,
    ticket: Ticket,
    category: Category | None,
    defaults: ApprovalTiming,
    now: datetime,
) -> UUID | None:
    """Open the request of a ticket now pending approval and emit round `request`; call in
    the transaction that moved it there. None when one is open already."""
    timing = timing_for(category, defaults)
    plan = after_round("request", requested_at=now, timing=timing)
    approval_id = uuid4()
    opened = await store.insert_request(
        conn=conn,
        approval_id=approval_id,
        ticket_id=ticket.id,
        category=ticket.category,
        next_round=plan.next_round,
        due_at=plan.due_at,
        escalate_at=now + timing.escalate_after,
        now=now,
    )
    if not opened:
        return None
    due = plan.due_at or now
    await _emit_round(
        conn=conn,
        ticket=ticket,
        category=category,
        approval_id=approval_id,
        round="request",
        due_at=due,
        now=now,
    )
    return approval_id


async def run_due_rounds(*, conn: asyncpg.Connection, now: datetime, limit: int = BATCH) -> int:
    """Emit every due reminder (once) and escalation (once) of undecided requests; any number
    of replicas share the work. Returns how many rounds it emitted."""
    async with conn.transaction():
        due = await store.claim_due(conn=conn, now=now, limit=limit)
        for request in due:
            ticket = await get_ticket(conn=conn, ticket_id=request.ticket_id)
            assert ticket is not None
            assert request.next_round is not None
            category = (
                None
                if request.category is None
                else await get_any_category(conn=conn, key=request.category)
            )
            round: Round = "reminder" if request.next_round == "reminder" else "escalation"
            # After the reminder the escalation is due when it was set at the request.
            next_round: str | None = "escalation" if round == "reminder" else None
            due_at = request.escalate_at if round == "reminder" else None
            await store.advance(
                conn=conn,
                approval_id=request.approval_id,
                round=round,
                next_round=next_round,
                due_at=due_at,
            )
            await _emit_round(
                conn=conn,
                ticket=ticket,
                category=category,
                approval_id=request.approval_id,
                round=round,
                due_at=due_at or now,
                now=now,
            )
    return len(due)


def decided_conflict(request: store.ApprovalRequest) -> ProblemError:
    """409 naming who decided the request, when, and how."""
    at = request.decided_at.isoformat() if request.decided_at else None
    return ProblemError(
        409,
        f"this ticket was already {request.decision} by {request.decided_by}"
        f" at {at} (via {request.decided_via})",
        decision=request.decision,
        decided_by=request.decided_by,
        decided_via=request.decided_via,
        decided_at=at,
    )


async def refuse_if_decided(*, conn: asyncpg.Connection, ticket_id: UUID) -> None:
    """409 naming who decided, for a ticket whose latest approval request is decided."""
    request = await store.latest_request(conn=conn, ticket_id=ticket_id)
    if request is not None and request.status == "decided":
        raise decided_conflict(request)


async def record_decision(
    *,
    conn: asyncpg.Connection,
    ticket: Ticket,
    approved: bool,
    approver_id: str,
    via: str,
    reason: str | None,
    now: datetime,
) -> None:
    """Close the open request (no later rounds) and emit `ticket.approval_decided`; call in
    the transaction that moved the ticket out of pending_approval."""
    decision = "approved" if approved else "rejected"
    closed = await store.close_open_request(
        conn=conn, ticket_id=ticket.id, decision=decision, decided_by=approver_id, via=via, now=now
    )
    if closed is not None:
        took = (now - closed.requested_at).total_seconds()
        after_commit(conn, partial(APPROVAL_DECISION_SECONDS.labels(decision).observe, took))
    after_commit(conn, APPROVALS_DECIDED.labels(decision, via).inc)
    data = TicketApprovalDecided(
        **facts(ticket),
        approval_id=None if closed is None else closed.approval_id,
        decision=decision,
        approver_id=approver_id,
        via="link" if via == "link" else "api",
        reason=reason,
        decided_at=now,
    )
    await emit_ticket_event(conn=conn, data=data, now=now)
