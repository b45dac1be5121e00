"""Changing a ticket: fields, status, approval, reopening, transfer and escalation.

Each public command is one transaction: the ticket is locked, checked, changed and its event
emitted, or nothing happens."""

from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events.common import TicketStatus
from ticketflow_common.preconditions import WritePrecondition
from ticketflow_common.problems import ProblemError, invalid_field
from ticketflow_intake.commands.access_checks import ensure_changeable, load_for_change, refused
from ticketflow_intake.commands.metrics import (
    FIRST_CONTACT_RESOLUTIONS,
    RESOLUTION_SECONDS,
    TICKETS_RESOLVED,
)
from ticketflow_intake.commands.ticket_events import emit_ticket_event
from ticketflow_intake.domain.access import Principal, actor_role, may_reopen
from ticketflow_intake.domain.lifecycle import (
    TicketAction,
    TransitionRefused,
    check_approval,
    check_reopen,
    check_status_change,
)
from ticketflow_intake.domain.ticket_events import escalated, status_changed, transferred, updated
from ticketflow_intake.domain.tickets import (
    ApprovalDecision,
    Escalation,
    StatusChange,
    Ticket,
    TicketPatch,
    Transfer,
)
from ticketflow_intake.store.categories import get_category
from ticketflow_intake.store.conversation import count_public_agent_replies
from ticketflow_intake.store.teams import team_is_archived
from ticketflow_intake.store.tickets import update_ticket


async def count_resolution(*, conn: asyncpg.Connection, ticket: Ticket, now: datetime) -> None:
    team = ticket.team or "none"
    after_commit(
        conn, TICKETS_RESOLVED.labels(ticket.priority, ticket.category or "none", team).inc
    )
    took = (now - ticket.created_at).total_seconds()
    after_commit(conn, partial(RESOLUTION_SECONDS.labels(ticket.priority).observe, took))
    replies = await count_public_agent_replies(conn=conn, ticket_id=ticket.id)
    if replies <= 1 and ticket.reopen_count == 0:
        after_commit(conn, FIRST_CONTACT_RESOLUTIONS.labels(team).inc)


async def _load_changeable(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    principal: Principal,
    if_match: WritePrecondition,
    action: TicketAction,
) -> Ticket:
    """Lock the ticket for a change its status must allow (409 listing what is allowed)."""
    ticket = await load_for_change(
        conn=conn, ticket_id=ticket_id, principal=principal, if_match=if_match
    )
    ensure_changeable(ticket, action)
    return ticket


def status_stamps(target: TicketStatus, now: datetime) -> dict[str, Any]:
    """Timestamps that go with entering a status."""
    if target == "resolved":
        return {"resolved_at": now}
    if target == "closed":
        return {"closed_at": now}
    return {}


async def _set_status(
    *,
    conn: asyncpg.Connection,
    ticket: Ticket,
    target: TicketStatus,
    principal: Principal,
    reason: str | None,
    now: datetime,
    extra: dict[str, Any] | None = None,
    reopened: bool = False,
) -> Ticket:
    changed = await update_ticket(
        conn=conn,
        ticket_id=ticket.id,
        changes={"status": target, **status_stamps(target, now), **(extra or {})},
        now=now,
    )
    if target == "resolved":
        await count_resolution(conn=conn, ticket=changed, now=now)
    event = status_changed(
        ticket,
        changed,
        reason=reason,
        actor_id=principal.subject,
        actor_role=actor_role(principal),
        reopened=reopened,
        now=now,
    )
    await emit_ticket_event(conn=conn, data=event, now=now)
    return changed


async def change_status(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    change: StatusChange,
    principal: Principal,
    if_match: WritePrecondition,
    now: datetime,
) -> Ticket:
    async with conn.transaction():
        ticket = await load_for_change(
            conn=conn, ticket_id=ticket_id, principal=principal, if_match=if_match
        )
        try:
            check_status_change(ticket.status, change.status)
        except TransitionRefused as exc:
            raise refused(exc) from exc
        return await _set_status(
            conn=conn,
            ticket=ticket,
            target=change.status,
            principal=principal,
            reason=change.reason,
            now=now,
        )


async def decide_approval(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    decision: ApprovalDecision,
    principal: Principal,
    if_match: WritePrecondition,
    now: datetime,
) -> Ticket:
    """Approved tickets open for work (and their resolution clock); rejected ones close."""
    async with conn.transaction():
        ticket = await load_for_change(
            conn=conn, ticket_id=ticket_id, principal=principal, if_match=if_match
        )
        try:
            check_approval(ticket.status)
        except TransitionRefused as exc:
            raise refused(exc) from exc
        target: TicketStatus = "open" if decision.decision == "approve" else "closed"
        reason = f"{decision.decision}d" + (f": {decision.reason}" if decision.reason else "")
        return await _set_status(
            conn=conn, ticket=ticket, target=target, principal=principal, reason=reason, now=now
        )


async def reopen(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    reason: str,
    principal: Principal,
    if_match: WritePrecondition,
    window: timedelta,
    now: datetime,
) -> Ticket:
    """A resolved ticket opens again within `window` of its resolution."""
    if not may_reopen(principal):
        raise ProblemError(403, "only the requester or an agent can reopen a ticket")
    async with conn.transaction():
        ticket = await load_for_change(
            conn=conn, ticket_id=ticket_id, principal=principal, if_match=if_match
        )
        try:
            check_reopen(ticket.status, resolved_at=ticket.resolved_at, now=now, window=window)
        except TransitionRefused as exc:
            raise refused(exc) from exc
        return await _set_status(
            conn=conn,
            ticket=ticket,
            target="open",
            principal=principal,
            reason=reason,
            now=now,
            extra={"resolved_at": None, "reopen_count": ticket.reopen_count + 1},
            reopened=True,
        )


async def update_fields(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    patch: TicketPatch,
    principal: Principal,
    if_match: WritePrecondition,
    now: datetime,
) -> Ticket:
    async with conn.transaction():
        ticket = await _load_changeable(
            conn=conn, ticket_id=ticket_id, principal=principal, if_match=if_match, action="edit"
        )
        changes = {
            name: getattr(patch, name)
            for name in sorted(patch.model_fields_set)
            if getattr(patch, name) != getattr(ticket, name)
        }
        for required in ("subject", "priority", "tags", "custom_fields", "language", "watchers"):
            if required in changes and changes[required] is None:
                raise invalid_field(required, "cannot be null")
        category = changes.get("category")
        if category is not None and await get_category(conn=conn, key=category) is None:
            raise invalid_field("category", f"no category {category!r} in the catalogue")
        if changes.get("required_skills") is None:
            changes.pop("required_skills", None)
        if not changes:
            return ticket
        changed = await update_ticket(conn=conn, ticket_id=ticket.id, changes=changes, now=now)
        event = updated(changed, changed=sorted(changes), actor_id=principal.subject, now=now)
        await emit_ticket_event(conn=conn, data=event, now=now)
        return changed


async def transfer(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    request: Transfer,
    principal: Principal,
    if_match: WritePrecondition,
    now: datetime,
) -> Ticket:
    """Hand the ticket to another team; routing then finds an owner there."""
    async with conn.transaction():
        ticket = await _load_changeable(
            conn=conn,
            ticket_id=ticket_id,
            principal=principal,
            if_match=if_match,
            action="transfer",
        )
        archived = await team_is_archived(conn=conn, team=request.team)
        if archived is None:
            raise invalid_field("team", f"no team {request.team!r} is known to routing")
        if archived:
            raise invalid_field("team", f"team {request.team!r} is archived")
        if request.team == ticket.team:
            raise invalid_field("team", f"the ticket is already with team {ticket.team!r}")
        changed = await update_ticket(
            conn=conn, ticket_id=ticket.id, changes={"team": request.team}, now=now
        )
        event = transferred(
            ticket, changed, reason=request.reason, actor_id=principal.subject, now=now
        )
        await emit_ticket_event(conn=conn, data=event, now=now)
        return changed


async def escalate(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    request: Escalation,
    principal: Principal,
    if_match: WritePrecondition,
    now: datetime,
) -> Ticket:
    """Raise the escalation level by one, recording who and why."""
    async with conn.transaction():
        ticket = await _load_changeable(
            conn=conn,
            ticket_id=ticket_id,
            principal=principal,
            if_match=if_match,
            action="escalate",
        )
        changed = await update_ticket(
            conn=conn,
            ticket_id=ticket.id,
            changes={"escalation_level": ticket.escalation_level + 1},
            now=now,
        )
        event = escalated(changed, reason=request.reason, actor_id=principal.subject, now=now)
        await emit_ticket_event(conn=conn, data=event, now=now)
        return changed
