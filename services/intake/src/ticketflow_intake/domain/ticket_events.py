"""What each of intake's ticket events carries, built from the ticket it reports (pure): the
ticket's facts after the change, and what the change was."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ticketflow_common.events import (
    FeedbackNegative,
    TicketCommented,
    TicketCreated,
    TicketEscalated,
    TicketFacts,
    TicketFeedbackReceived,
    TicketSolutionMarked,
    TicketStatusChanged,
    TicketSurveyAnswered,
    TicketSurveyRequested,
    TicketTransferred,
    TicketUpdated,
)
from ticketflow_common.events.common import ActorRole
from ticketflow_intake.domain.access import Principal, actor_role
from ticketflow_intake.domain.conversation import Comment, NewFeedback
from ticketflow_intake.domain.surveys import Survey, SurveyAnswer
from ticketflow_intake.domain.tickets import Ticket

NAMED_ALIKE: set[str] = TicketFacts.model_fields.keys() & Ticket.model_fields.keys()
"""The facts a ticket and its events name alike (status, priority, team, version...)."""


def facts(ticket: Ticket) -> dict[str, Any]:
    """The `TicketFacts` fields of a ticket, as every ticket event carries them."""
    return {
        "ticket_id": ticket.id,
        **ticket.model_dump(include=NAMED_ALIKE),
        "requester_id": ticket.requester.id,
        "requester_tier": ticket.requester.tier,
        "assignee_id": ticket.owner.agent_id if ticket.owner else None,
    }


def created(ticket: Ticket) -> TicketCreated:
    return TicketCreated(
        **facts(ticket),
        description=ticket.description,
        requester_email=ticket.requester.email,
        watchers=ticket.watchers,
        amount=ticket.amount,
        origin_message_id=ticket.origin_message_id,
        created_at=ticket.created_at,
    )


def updated(after: Ticket, *, changed: list[str], actor_id: str, now: datetime) -> TicketUpdated:
    return TicketUpdated(**facts(after), changed=changed, actor_id=actor_id, updated_at=now)


def status_changed(
    before: Ticket,
    after: Ticket,
    *,
    reason: str | None,
    actor_id: str,
    actor_role: ActorRole,
    now: datetime,
    reopened: bool = False,
) -> TicketStatusChanged:
    """`ticket.status_changed` for a ticket that moved from `before.status` to `after.status`."""
    return TicketStatusChanged(
        **facts(after),
        previous_status=before.status,
        reason=reason,
        actor_id=actor_id,
        actor_role=actor_role,
        reopened=reopened,
        changed_at=now,
    )


def status_changed_by(
    principal: Principal,
    before: Ticket,
    after: Ticket,
    *,
    reason: str | None,
    now: datetime,
    reopened: bool = False,
) -> TicketStatusChanged:
    """`ticket.status_changed` for a move `principal` made, named as their credential's role."""
    return status_changed(
        before,
        after,
        reason=reason,
        actor_id=principal.subject,
        actor_role=actor_role(principal),
        reopened=reopened,
        now=now,
    )


def commented(
    after: Ticket, comment: Comment, *, first_response: bool, now: datetime
) -> TicketCommented:
    return TicketCommented(
        **facts(after),
        comment_id=comment.id,
        author_id=comment.author_id,
        author_role=comment.author_role,
        public=comment.public,
        first_response=first_response,
        body=comment.body if comment.public else None,
        origin_message_id=comment.origin_message_id,
        commented_at=now,
    )


def solution_marked(
    after: Ticket, comment: Comment, *, marked_by: str, now: datetime
) -> TicketSolutionMarked:
    """What knowledge learns a solution from: the question (subject) and the marked answer."""
    return TicketSolutionMarked(
        **facts(after),
        comment_id=comment.id,
        solution=comment.body,
        marked_by=marked_by,
        marked_at=now,
    )


def feedback_received(
    ticket: Ticket, feedback: NewFeedback, *, now: datetime
) -> TicketFeedbackReceived:
    return TicketFeedbackReceived(
        **facts(ticket), rating=feedback.rating, comment=feedback.comment, received_at=now
    )


def transferred(
    before: Ticket, after: Ticket, *, reason: str, actor_id: str, now: datetime
) -> TicketTransferred:
    return TicketTransferred(
        **facts(after), from_team=before.team, reason=reason, actor_id=actor_id, transferred_at=now
    )


def escalated(after: Ticket, *, reason: str, actor_id: str, now: datetime) -> TicketEscalated:
    return TicketEscalated(
        **facts(after),
        level=after.escalation_level,
        reason=reason,
        actor_id=actor_id,
        escalated_at=now,
    )


def survey_requested(
    ticket: Ticket, survey: Survey, *, reminder: bool, now: datetime
) -> TicketSurveyRequested:
    """What notify mails the requester: the invitation, or the one reminder."""
    return TicketSurveyRequested(
        **facts(ticket),
        survey_id=survey.survey_id,
        round="reminder" if reminder else "invitation",
        cycle=survey.cycle,
        requester_email=ticket.requester.email,
        expires_at=survey.expires_at,
        requested_at=now,
    )


def survey_answered(
    ticket: Ticket, survey: Survey, added: SurveyAnswer, *, now: datetime
) -> TicketSurveyAnswered:
    """The parts this answer added (a later answer adds what was missing)."""
    return TicketSurveyAnswered(
        **facts(ticket),
        survey_id=survey.survey_id,
        rating=added.rating,
        resolved=added.resolved,
        comment=added.comment,
        answered_at=now,
    )


def feedback_negative(
    ticket: Ticket,
    *,
    rating: int,
    comment: str | None,
    survey_id: UUID | None,
    follow_up_ticket_id: UUID,
    now: datetime,
) -> FeedbackNegative:
    return FeedbackNegative(
        **facts(ticket),
        survey_id=survey_id,
        rating=rating,
        comment=comment,
        follow_up_ticket_id=follow_up_ticket_id,
        received_at=now,
    )
