"""Satisfaction surveys: started when a ticket is resolved (in the same transaction), closed
when it is reopened, answered through the signed link, reminded once and expired by the worker."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from uuid import uuid4

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.survey_links import LinkState, survey_link_state
from ticketflow_intake.commands.metrics import (
    SURVEY_RESOLVED_ANSWERS,
    SURVEYS_EXPIRED,
    SURVEYS_REQUESTED,
)
from ticketflow_intake.commands.ratings import record_rating
from ticketflow_intake.commands.ticket_events import emit_ticket_event
from ticketflow_intake.domain.conversation import NewFeedback
from ticketflow_intake.domain.surveys import (
    Survey,
    SurveyAnswer,
    SurveyPolicy,
    answerable,
    resolution_cycle,
    review_answer,
)
from ticketflow_intake.domain.ticket_events import survey_answered, survey_requested
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.store.conversation import add_feedback_comment
from ticketflow_intake.store.surveys import (
    add_answer,
    claim_due_reminders,
    close_open_surveys,
    expire_due,
    get_survey,
    insert_survey,
    mark_reminded,
    survey_of_cycle,
)
from ticketflow_intake.store.tickets import get_ticket

BATCH = 100


async def start_survey(
    *, conn: asyncpg.Connection, ticket: Ticket, policy: SurveyPolicy, now: datetime
) -> Survey | None:
    """The resolved ticket's survey for this cycle and its invitation; in the caller's
    transaction. A cycle surveyed already (or a requester without an address) gets none."""
    if ticket.requester.email is None:
        return None
    survey = await insert_survey(
        conn=conn,
        survey_id=uuid4(),
        ticket_id=ticket.id,
        cycle=resolution_cycle(ticket.reopen_count),
        invited_at=now,
        reminder_due_at=policy.reminder_due(now),
        expires_at=policy.expires(now),
    )
    if survey is None:
        return None
    invitation = survey_requested(ticket, survey, reminder=False, now=now)
    await emit_ticket_event(conn=conn, data=invitation, now=now)
    after_commit(conn, SURVEYS_REQUESTED.labels("invitation").inc)
    return survey


async def close_surveys(*, conn: asyncpg.Connection, ticket: Ticket) -> int:
    """A reopen ends the unanswered survey: no reminder, its link refused."""
    return await close_open_surveys(conn=conn, ticket_id=ticket.id)


async def note_api_rating(
    *, conn: asyncpg.Connection, ticket: Ticket, rating: int, now: datetime
) -> None:
    """A rating given through the API answers the cycle's survey too (no reminder follows)."""
    survey = await survey_of_cycle(
        conn=conn, ticket_id=ticket.id, cycle=resolution_cycle(ticket.reopen_count)
    )
    if survey is None or survey.rating is not None:
        return
    added = SurveyAnswer(rating=rating)
    survey = await add_answer(
        conn=conn, survey_id=survey.survey_id, added=added, follow_up_ticket_id=None, now=now
    )
    await emit_ticket_event(
        conn=conn, data=survey_answered(ticket, survey, added, now=now), now=now
    )


Refusal = Literal["bad", "expired", "closed"]


@dataclass(frozen=True)
class LinkView:
    """What a survey link leads to: the survey and its ticket, or why not."""

    state: LinkState | Literal["closed"]
    survey: Survey | None = None
    ticket: Ticket | None = None


async def open_survey_link(
    *,
    conn: asyncpg.Connection,
    token: str,
    secret: str | None,
    now: datetime,
    lock: bool = False,
) -> LinkView:
    """The survey a valid token names for its ticket's requester; `closed` once the ticket was
    reopened, `expired` past its time, `bad` for anything else."""
    state, link = survey_link_state(token=token, secret=secret, now=now)
    if link is None:
        return LinkView(state=state)
    ticket = await get_ticket(conn=conn, ticket_id=link.ticket_id, for_update=lock)
    survey = await get_survey(conn=conn, survey_id=link.survey_id, for_update=lock)
    if (
        ticket is None
        or survey is None
        or survey.ticket_id != ticket.id
        or ticket.requester.id != link.requester_id
    ):
        return LinkView(state="bad")
    if survey.status == "closed":
        return LinkView(state="closed", survey=survey, ticket=ticket)
    if not answerable(survey, now=now):
        return LinkView(state="expired", survey=survey, ticket=ticket)
    return LinkView(state="valid", survey=survey, ticket=ticket)


@dataclass(frozen=True)
class LinkAnswer:
    view: LinkView
    conflicts: tuple[str, ...] = ()
    added: SurveyAnswer = field(default_factory=SurveyAnswer)


async def answer_survey(
    *,
    conn: asyncpg.Connection,
    token: str,
    secret: str | None,
    answer: SurveyAnswer,
    now: datetime,
) -> LinkAnswer:
    """Add what the survey is missing (each part once; the same value again is fine), in one
    transaction with its events: `ticket.survey_answered`, and for a rating the feedback."""
    async with conn.transaction():
        view = await open_survey_link(conn=conn, token=token, secret=secret, now=now, lock=True)
        if view.state != "valid" or view.survey is None or view.ticket is None:
            return LinkAnswer(view=view)
        survey, ticket = view.survey, view.ticket
        review = review_answer(survey, answer)
        added = review.added
        follow_up = None
        if added.rating is not None:
            rated = await record_rating(
                conn=conn,
                ticket=ticket,
                new=NewFeedback(rating=added.rating, comment=added.comment),
                survey_id=survey.survey_id,
                now=now,
            )
            if not rated.new and rated.feedback.rating != added.rating:
                # Rated through the API already, differently: the survey takes that rating.
                survey = await add_answer(
                    conn=conn,
                    survey_id=survey.survey_id,
                    added=SurveyAnswer(rating=rated.feedback.rating),
                    follow_up_ticket_id=None,
                    now=now,
                )
                return LinkAnswer(view=LinkView("valid", survey, ticket), conflicts=("rating",))
            follow_up = rated.follow_up_ticket_id
        elif added.comment is not None and survey.rating is not None:
            await add_feedback_comment(
                conn=conn, ticket_id=ticket.id, cycle=survey.cycle, comment=added.comment
            )
        if added.empty:
            return LinkAnswer(view=view, conflicts=review.conflicts)
        survey = await add_answer(
            conn=conn,
            survey_id=survey.survey_id,
            added=added,
            follow_up_ticket_id=follow_up,
            now=now,
        )
        event = survey_answered(ticket, survey, added, now=now)
        await emit_ticket_event(conn=conn, data=event, now=now)
        if added.resolved is not None:
            yes_no = "yes" if added.resolved else "no"
            after_commit(conn, SURVEY_RESOLVED_ANSWERS.labels(yes_no, ticket.team or "none").inc)
    return LinkAnswer(
        view=LinkView("valid", survey, ticket), conflicts=review.conflicts, added=added
    )


async def remind_and_expire(*, conn: asyncpg.Connection, now: datetime, limit: int = BATCH) -> int:
    """One batch of the survey worker: the one reminder of each unanswered survey that is due
    (`ticket.survey_requested` round=reminder), then the expiry of those past their time."""
    done = 0
    async with conn.transaction():
        for survey in await claim_due_reminders(conn=conn, now=now, limit=limit):
            ticket = await get_ticket(conn=conn, ticket_id=survey.ticket_id)
            await mark_reminded(conn=conn, survey_id=survey.survey_id, now=now)
            if ticket is None:
                continue
            reminder = survey_requested(ticket, survey, reminder=True, now=now)
            await emit_ticket_event(conn=conn, data=reminder, now=now)
            after_commit(conn, SURVEYS_REQUESTED.labels("reminder").inc)
            done += 1
    async with conn.transaction():
        expired = await expire_due(conn=conn, now=now, limit=limit)
        for _ in expired:
            after_commit(conn, SURVEYS_EXPIRED.inc)
    return done + len(expired)
