"""Changing a ticket: fields, status, approval, reopening, transfer and escalation.

Each public command is one transaction: the ticket is locked, checked, changed and its event
emitted, or nothing happens."""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.problems import ProblemError, invalid_field
from ticketflow_intake.commands.access_checks import (
    TicketWrite,
    ensure_changeable,
    load_for_change,
    refusal_as_conflict,
)
from ticketflow_intake.commands.metrics import (
    FIRST_CONTACT_RESOLUTIONS,
    RESOLUTION_SECONDS,
    TICKETS_RESOLVED,
)
from ticketflow_intake.commands.surveys import close_surveys, start_survey
from ticketflow_intake.commands.ticket_events import apply_change
from ticketflow_intake.domain.access import may_reopen
from ticketflow_intake.domain.lifecycle import (
    StatusMove,
    approval_move,
    reopen_move,
    requested_move,
)
from ticketflow_intake.domain.surveys import SurveyPolicy
from ticketflow_intake.domain.ticket_events import (
    escalated,
    status_changed_by,
    transferred,
    updated,
)
from ticketflow_intake.domain.tickets import (
    ApprovalDecision,
    Escalation,
    Reopen,
    StatusChange,
    Ticket,
    TicketPatch,
    Transfer,
)
from ticketflow_intake.store.categories import get_category
from ticketflow_intake.store.conversation import count_public_agent_replies
from ticketflow_intake.store.teams import team_is_archived

NOT_NULL = ("subject", "priority", "tags", "custom_fields", "language", "watchers")
"""Fields a patch may leave out but never set to null."""
DEFAULT_SURVEYS = SurveyPolicy()


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


async def on_resolved(
    *, conn: asyncpg.Connection, ticket: Ticket, surveys: SurveyPolicy, now: datetime
) -> None:
    """Whatever resolved the ticket: count it and invite its requester to the survey."""
    await count_resolution(conn=conn, ticket=ticket, now=now)
    await start_survey(conn=conn, ticket=ticket, policy=surveys, now=now)


async def _move(
    *,
    conn: asyncpg.Connection,
    write: TicketWrite,
    decide: Callable[[Ticket], StatusMove],
    surveys: SurveyPolicy,
    now: datetime,
) -> Ticket:
    """Lock the ticket, move it where `decide` says (409 when the lifecycle refuses) and emit
    `ticket.status_changed`; a resolution starts a survey, a reopen closes the open one."""
    async with conn.transaction():
        ticket = await load_for_change(conn=conn, write=write)
        with refusal_as_conflict():
            move = decide(ticket)
        event = partial(
            status_changed_by,
            write.principal,
            ticket,
            reason=move.reason,
            reopened=move.reopened,
            now=now,
        )
        changes = move.changes(now)
        changed = await apply_change(
            conn=conn, ticket=ticket, changes=changes, event=event, now=now
        )
        if move.target == "resolved":
            await on_resolved(conn=conn, ticket=changed, surveys=surveys, now=now)
        if move.reopened:
            await close_surveys(conn=conn, ticket=changed)
        return changed


async def change_status(
    *,
    conn: asyncpg.Connection,
    write: TicketWrite,
    request: StatusChange,
    now: datetime,
    surveys: SurveyPolicy = DEFAULT_SURVEYS,
) -> Ticket:
    decide = partial(requested_move, request=request)
    return await _move(conn=conn, write=write, decide=decide, surveys=surveys, now=now)


async def decide_approval(
    *, conn: asyncpg.Connection, write: TicketWrite, request: ApprovalDecision, now: datetime
) -> Ticket:
    decide = partial(approval_move, request=request)
    return await _move(conn=conn, write=write, decide=decide, surveys=DEFAULT_SURVEYS, now=now)


async def reopen(
    *,
    conn: asyncpg.Connection,
    write: TicketWrite,
    request: Reopen,
    window: timedelta,
    now: datetime,
) -> Ticket:
    """By the requester or an agent only."""
    if not may_reopen(write.principal):
        raise ProblemError(403, "only the requester or an agent can reopen a ticket")
    decide = partial(reopen_move, request=request, now=now, window=window)
    return await _move(conn=conn, write=write, decide=decide, surveys=DEFAULT_SURVEYS, now=now)


async def update_fields(
    *, conn: asyncpg.Connection, write: TicketWrite, request: TicketPatch, now: datetime
) -> Ticket:
    async with conn.transaction():
        ticket = await load_for_change(conn=conn, write=write)
        ensure_changeable(ticket, "edit")
        changes = {
            name: getattr(request, name)
            for name in sorted(request.model_fields_set)
            if getattr(request, name) != getattr(ticket, name)
        }
        for required in NOT_NULL:
            if required in changes and changes[required] is None:
                raise invalid_field(required, "cannot be null")
        category = changes.get("category")
        if category is not None and await get_category(conn=conn, key=category) is None:
            raise invalid_field("category", f"no category {category!r} in the catalogue")
        if changes.get("required_skills") is None:
            changes.pop("required_skills", None)
        if not changes:
            return ticket
        by = write.principal.subject
        event = partial(updated, changed=sorted(changes), actor_id=by, now=now)
        return await apply_change(conn=conn, ticket=ticket, changes=changes, event=event, now=now)


async def transfer(
    *, conn: asyncpg.Connection, write: TicketWrite, request: Transfer, now: datetime
) -> Ticket:
    """Hand the ticket to another team; routing then finds an owner there."""
    async with conn.transaction():
        ticket = await load_for_change(conn=conn, write=write)
        ensure_changeable(ticket, "transfer")
        archived = await team_is_archived(conn=conn, team=request.team)
        if archived is None:
            raise invalid_field("team", f"no team {request.team!r} is known to routing")
        if archived:
            raise invalid_field("team", f"team {request.team!r} is archived")
        if request.team == ticket.team:
            raise invalid_field("team", f"the ticket is already with team {ticket.team!r}")
        by = write.principal.subject
        event = partial(transferred, ticket, reason=request.reason, actor_id=by, now=now)
        changes = {"team": request.team}
        return await apply_change(conn=conn, ticket=ticket, changes=changes, event=event, now=now)


async def escalate(
    *, conn: asyncpg.Connection, write: TicketWrite, request: Escalation, now: datetime
) -> Ticket:
    """Raise the escalation level by one, recording who and why."""
    async with conn.transaction():
        ticket = await load_for_change(conn=conn, write=write)
        ensure_changeable(ticket, "escalate")
        by = write.principal.subject
        event = partial(escalated, reason=request.reason, actor_id=by, now=now)
        changes = {"escalation_level": ticket.escalation_level + 1}
        return await apply_change(conn=conn, ticket=ticket, changes=changes, event=event, now=now)
