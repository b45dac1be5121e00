"""A requester's rating of a resolution, by the API or a survey link: stored once per
resolution cycle as feedback, counted for CSAT, and a rating of 2 or less opens a follow-up."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_intake.commands.metrics import (
    CSAT_RATINGS,
    NEGATIVE_FEEDBACK,
    SURVEY_RATINGS,
    TICKETS_CREATED,
)
from ticketflow_intake.commands.ticket_events import emit_ticket_event
from ticketflow_intake.domain.conversation import Feedback, NewFeedback
from ticketflow_intake.domain.surveys import (
    FOLLOW_UP_FIELD,
    FOLLOW_UP_TAG,
    follow_up_description,
    follow_up_priority,
    follow_up_subject,
    is_negative,
    resolution_cycle,
)
from ticketflow_intake.domain.ticket_events import created, feedback_negative, feedback_received
from ticketflow_intake.domain.tickets import NewTicket, Ticket
from ticketflow_intake.store.conversation import feedback_of_cycle, insert_feedback
from ticketflow_intake.store.tickets import insert_ticket


@dataclass(frozen=True)
class Rated:
    """The rating in force for the cycle; `new` when this call gave it."""

    feedback: Feedback
    new: bool
    follow_up_ticket_id: UUID | None = None


async def record_rating(
    *,
    conn: asyncpg.Connection,
    ticket: Ticket,
    new: NewFeedback,
    survey_id: UUID | None,
    now: datetime,
) -> Rated:
    """Call in a transaction with the ticket locked. A cycle's second rating changes nothing
    and reports the first one."""
    cycle = resolution_cycle(ticket.reopen_count)
    feedback = await insert_feedback(conn=conn, ticket_id=ticket.id, cycle=cycle, new=new, now=now)
    if feedback is None:
        held = await feedback_of_cycle(conn=conn, ticket_id=ticket.id, cycle=cycle)
        assert held is not None
        return Rated(feedback=held, new=False)
    team = ticket.team or "none"
    after_commit(conn, CSAT_RATINGS.labels(str(new.rating), team).inc)
    if survey_id is not None:
        after_commit(conn, SURVEY_RATINGS.labels(str(new.rating), team).inc)
    await emit_ticket_event(conn=conn, data=feedback_received(ticket, new, now=now), now=now)
    if not is_negative(new.rating):
        return Rated(feedback=feedback, new=True)
    follow_up = await open_follow_up(conn=conn, ticket=ticket, new=new, now=now)
    after_commit(conn, NEGATIVE_FEEDBACK.labels(team).inc)
    negative = feedback_negative(
        ticket,
        rating=new.rating,
        comment=new.comment,
        survey_id=survey_id,
        follow_up_ticket_id=follow_up.id,
        now=now,
    )
    await emit_ticket_event(conn=conn, data=negative, now=now)
    return Rated(feedback=feedback, new=True, follow_up_ticket_id=follow_up.id)


async def open_follow_up(
    *, conn: asyncpg.Connection, ticket: Ticket, new: NewFeedback, now: datetime
) -> Ticket:
    """A ticket for the same team and category, one priority higher, naming the rated one in
    its `follow_up_of` field and tagged `follow-up`."""
    request = NewTicket(
        subject=follow_up_subject(ticket.subject),
        description=follow_up_description(
            ticket_id=ticket.id, subject=ticket.subject, rating=new.rating, comment=new.comment
        ),
        requester=ticket.requester,
        channel=ticket.channel,
        category=ticket.category,
        priority=follow_up_priority(ticket.priority),
        tags=[FOLLOW_UP_TAG],
        custom_fields={FOLLOW_UP_FIELD: str(ticket.id)},
        language=ticket.language,
        required_skills=ticket.required_skills,
    )
    follow_up = await insert_ticket(
        conn=conn,
        ticket_id=uuid4(),
        new=request,
        priority=follow_up_priority(ticket.priority),
        required_skills=ticket.required_skills,
        team=ticket.team,
        status="new",
        now=now,
    )
    after_commit(
        conn,
        TICKETS_CREATED.labels(
            follow_up.channel, follow_up.priority, follow_up.category or "none"
        ).inc,
    )
    await emit_ticket_event(conn=conn, data=created(follow_up), now=now)
    return follow_up
