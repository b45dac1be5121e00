"""Intake's reactions to knowledge's events: a requester's "this solved it" resolves their
ticket as self-service, a resolved problem is noted on each linked ticket and resolves the open
ones when asked. Each runs once per event: a redelivered one finds its timeline entry taken."""

import logging
from datetime import datetime
from functools import partial
from uuid import UUID

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events import ProblemResolved, SuggestionAnswered
from ticketflow_common.events.common import ActorRole
from ticketflow_intake.commands.change import DEFAULT_SURVEYS, on_resolved
from ticketflow_intake.commands.ticket_events import apply_change
from ticketflow_intake.domain.knowledge_reactions import (
    PROBLEM_RESOLVED,
    SELF_SERVICE,
    entry_for_ticket,
    may_resolve,
    self_service_applies,
)
from ticketflow_intake.domain.lifecycle import StatusMove
from ticketflow_intake.domain.surveys import SurveyPolicy
from ticketflow_intake.domain.ticket_events import status_changed
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.store.tickets import get_ticket
from ticketflow_intake.store.timeline import record

log = logging.getLogger(__name__)


async def _resolve(
    *,
    conn: asyncpg.Connection,
    ticket: Ticket,
    reason: str,
    actor_id: str,
    actor_role: ActorRole,
    surveys: SurveyPolicy,
    now: datetime,
) -> Ticket:
    """Resolve a locked ticket the lifecycle lets resolve, emitting `ticket.status_changed`
    (and inviting its requester to the survey)."""
    move = StatusMove("resolved", reason)
    event = partial(
        status_changed, ticket, reason=reason, actor_id=actor_id, actor_role=actor_role, now=now
    )
    changed = await apply_change(
        conn=conn, ticket=ticket, changes=move.changes(now), event=event, now=now
    )
    await on_resolved(conn=conn, ticket=changed, surveys=surveys, now=now)
    return changed


async def resolve_self_service(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: SuggestionAnswered,
    now: datetime,
    surveys: SurveyPolicy = DEFAULT_SURVEYS,
) -> None:
    """On the timeline always; solved by the ticket's requester while it is still open:
    resolved with reason `self_service`, the requester as the actor."""
    ticket = await get_ticket(conn=conn, ticket_id=event.ticket_id, for_update=True)
    if ticket is None:
        return
    if not await record(conn=conn, ticket_id=ticket.id, event=envelope) or not event.solved:
        return
    if not self_service_applies(ticket, answered_by=event.answered_by):
        log.info(
            "self-service answer left the ticket as it is",
            extra={"ticket_id": str(ticket.id), "status": ticket.status},
        )
        return
    await _resolve(
        conn=conn,
        ticket=ticket,
        reason=SELF_SERVICE,
        actor_id=event.answered_by,
        actor_role="requester",
        surveys=surveys,
        now=now,
    )


async def note_problem_resolved(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: ProblemResolved,
    now: datetime,
    surveys: SurveyPolicy = DEFAULT_SURVEYS,
) -> None:
    """Each linked ticket intake knows gets the problem and its fix on its timeline; with
    `resolve_linked_tickets` the open ones are resolved by the system (`problem_resolved`)."""
    for ticket_id in sorted(set(event.ticket_ids)):  # one lock order: no deadlocks
        await _note_on(
            conn=conn,
            envelope=envelope,
            event=event,
            ticket_id=ticket_id,
            surveys=surveys,
            now=now,
        )


async def _note_on(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: ProblemResolved,
    ticket_id: UUID,
    surveys: SurveyPolicy,
    now: datetime,
) -> None:
    ticket = await get_ticket(conn=conn, ticket_id=ticket_id, for_update=True)
    if ticket is None:
        return
    if not await record(
        conn=conn, ticket_id=ticket_id, event=entry_for_ticket(envelope, ticket_id)
    ):
        return
    if event.resolve_linked_tickets and may_resolve(ticket.status):
        await _resolve(
            conn=conn,
            ticket=ticket,
            reason=PROBLEM_RESOLVED,
            actor_id="system",
            actor_role="system",
            surveys=surveys,
            now=now,
        )
