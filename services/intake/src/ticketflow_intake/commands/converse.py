"""The conversation on a ticket: replies, internal notes, and the requester's rating."""

from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.pagination import Page, encode_timed_cursor, page_of, read_timed_cursor
from ticketflow_common.problems import ProblemError
from ticketflow_intake.commands.access_checks import ensure_changeable, load_visible
from ticketflow_intake.commands.metrics import FIRST_RESPONSE_SECONDS
from ticketflow_intake.commands.ratings import record_rating
from ticketflow_intake.commands.surveys import note_api_rating
from ticketflow_intake.commands.ticket_events import apply_change, emit_ticket_event
from ticketflow_intake.domain.access import Principal, Scope, author_role_of
from ticketflow_intake.domain.conversation import Comment, Feedback, NewComment, NewFeedback
from ticketflow_intake.domain.lifecycle import FEEDBACK_STATUSES
from ticketflow_intake.domain.ticket_events import commented, status_changed_by
from ticketflow_intake.store.conversation import insert_comment, list_comments
from ticketflow_intake.store.tickets import add_comment_text

COMMENTS_KIND = "intake.comments"


async def read_comments(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    principal: Principal,
    cursor: str | None,
    limit: int,
) -> Page[Comment]:
    """A page of the comments, oldest first; only agents (and admins) see internal notes."""
    await load_visible(conn=conn, ticket_id=ticket_id, principal=principal)
    rows = await list_comments(
        conn=conn,
        ticket_id=ticket_id,
        include_internal=principal.reads_internal_notes,
        after=read_timed_cursor(cursor, kind=COMMENTS_KIND),
        limit=limit + 1,
    )
    return page_of(
        rows, limit=limit, cursor=lambda c: encode_timed_cursor(COMMENTS_KIND, c.created_at, c.id)
    )


async def add_comment(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    new: NewComment,
    principal: Principal,
    now: datetime,
) -> Comment:
    """A requester's reply to a ticket waiting on them reopens it for the agent."""
    async with conn.transaction():
        ticket = await load_visible(
            conn=conn, ticket_id=ticket_id, principal=principal, for_update=True
        )
        role = author_role_of(principal)
        if not new.public and not principal.can(Scope.WORK_TICKETS):
            raise ProblemError(403, "only agents can write internal notes")
        ensure_changeable(ticket, "comment")
        comment = await insert_comment(
            conn=conn,
            comment_id=uuid4(),
            ticket_id=ticket.id,
            author_id=principal.subject,
            author_role=role,
            new=new,
            now=now,
        )
        await add_comment_text(
            conn=conn,
            ticket_id=ticket.id,
            body=new.body,
            public=new.public,
            language=ticket.language,
        )
        first_response = new.public and role == "agent" and ticket.first_response_at is None
        back_to_open = new.public and role == "requester" and ticket.status == "waiting_on_customer"
        changes: dict[str, Any] = {}
        if first_response:
            changes["first_response_at"] = now
            waited = (now - ticket.created_at).total_seconds()
            observe = FIRST_RESPONSE_SECONDS.labels(ticket.priority).observe
            after_commit(conn, partial(observe, waited))
        if back_to_open:
            changes["status"] = "open"
        event = partial(commented, comment=comment, first_response=first_response, now=now)
        changed = await apply_change(
            conn=conn, ticket=ticket, changes=changes, event=event, now=now
        )
        if back_to_open:
            reason = "the requester replied"
            reopened = status_changed_by(principal, ticket, changed, reason=reason, now=now)
            await emit_ticket_event(conn=conn, data=reopened, now=now)
        return comment


async def give_feedback(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    new: NewFeedback,
    principal: Principal,
    now: datetime,
) -> Feedback:
    """Once per resolution (a reopened ticket is rated again), by its requester, after it is
    resolved; a rating of 2 or less opens a follow-up ticket."""
    async with conn.transaction():
        ticket = await load_visible(
            conn=conn, ticket_id=ticket_id, principal=principal, for_update=True
        )
        if ticket.requester.id != principal.subject and principal.role != "admin":
            raise ProblemError(403, "only the requester rates a ticket")
        if ticket.status not in FEEDBACK_STATUSES:
            raise ProblemError(
                409, "feedback is taken once the ticket is resolved", status_now=ticket.status
            )
        rated = await record_rating(conn=conn, ticket=ticket, new=new, survey_id=None, now=now)
        if not rated.new:
            raise ProblemError(409, "this resolution of the ticket has already been rated")
        await note_api_rating(conn=conn, ticket=ticket, rating=new.rating, now=now)
        return rated.feedback
