"""A requester's one answer to a suggestion, through the API or a signed link: recorded once,
counted as reuse of the item when it solved the ticket, and announced for tickets."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events.knowledge import SuggestionAnswered
from ticketflow_common.outbox import emit
from ticketflow_common.problems import ProblemError, invalid_field, not_found
from ticketflow_knowledge.commands.metrics import KNOWLEDGE_ANSWERS
from ticketflow_knowledge.domain.access import Caller
from ticketflow_knowledge.domain.answer_pages import LinkReading, read_link
from ticketflow_knowledge.domain.suggestions import (
    Answer,
    AnswerGiven,
    AnswerOutcome,
    Suggestion,
    answer_outcome,
    may_answer,
    seen_by,
    suggested_item,
)
from ticketflow_knowledge.store.search_items import count_reuse
from ticketflow_knowledge.store.suggestions import find_suggestion, insert_answer


@dataclass(frozen=True)
class Answered:
    answer: Answer
    outcome: AnswerOutcome


async def answer_suggestion(
    *,
    conn: asyncpg.Connection,
    caller: Caller,
    suggestion_id: UUID,
    given: AnswerGiven,
    now: datetime,
) -> Answer:
    """404 unknown, 403 not the requester's (nor an admin's), 422 not one of its items, 409 a
    different answer than the one given before; the same one again changes nothing."""
    answered = await record_answer(
        conn=conn, caller=caller, suggestion_id=suggestion_id, given=given, now=now
    )
    if answered.outcome == "conflict":
        raise ProblemError(
            409,
            f"suggestion {suggestion_id} was already answered differently",
            answer=answered.answer.model_dump(mode="json"),
        )
    return answered.answer


async def record_answer(
    *,
    conn: asyncpg.Connection,
    caller: Caller,
    suggestion_id: UUID,
    given: AnswerGiven,
    now: datetime,
) -> Answered:
    """The answer in force and whether this call made it (`new`), repeated it or conflicts."""
    async with conn.transaction():
        suggestion = await find_suggestion(conn=conn, suggestion_id=suggestion_id, lock=True)
        if suggestion is None:
            raise not_found(f"suggestion {suggestion_id} not found")
        if not may_answer(suggestion, caller):
            raise ProblemError(403, "only the requester it was made for (or an admin) may answer")
        if (
            suggested_item(seen_by(suggestion, caller), kind=given.kind, item_id=given.item_id)
            is None
        ):
            raise invalid_field("item_id", f"{given.kind} {given.item_id} was not suggested here")
        outcome = answer_outcome(suggestion.answer, given)
        if suggestion.answer is not None:
            return Answered(answer=suggestion.answer, outcome=outcome)
        answer = Answer(
            kind=given.kind,
            item_id=given.item_id,
            solved=given.solved,
            answered_by=caller.subject,
            answered_at=now,
        )
        await insert_answer(conn=conn, suggestion_id=suggestion_id, answer=answer)
        if given.solved:
            await count_reuse(conn=conn, kind=given.kind, item_id=given.item_id)
        if suggestion.ticket_id is not None:
            await _announce(conn=conn, suggestion=suggestion, answer=answer, now=now)
    KNOWLEDGE_ANSWERS.labels(kind=given.kind, solved=str(given.solved).lower()).inc()
    return Answered(answer=answer, outcome="new")


async def _announce(
    *, conn: asyncpg.Connection, suggestion: Suggestion, answer: Answer, now: datetime
) -> None:
    assert suggestion.ticket_id is not None
    await emit(
        conn,
        SuggestionAnswered(
            ticket_id=suggestion.ticket_id,
            suggestion_id=suggestion.suggestion_id,
            kind=answer.kind,
            item_id=answer.item_id,
            solved=answer.solved,
            answered_by=suggestion.requester_id or answer.answered_by,
            answered_at=now,
        ),
        subject=str(suggestion.ticket_id),
        now=now,
    )


@dataclass(frozen=True)
class LinkView:
    """What an answer link leads to: its state and, when valid, the suggestion and its item."""

    reading: LinkReading
    suggestion: Suggestion | None = None


async def open_answer_link(
    *, conn: asyncpg.Connection, token: str, secret: str | None, now: datetime
) -> LinkView:
    """Read-only: the link's suggestion when the token is valid and names one of its public
    items for the requester it was made for; `bad` otherwise."""
    reading = read_link(token=token, secret=secret, now=now)
    if reading.link is None:
        return LinkView(reading=reading)
    link = reading.link
    suggestion = await find_suggestion(conn=conn, suggestion_id=link.suggestion_id)
    requester = Caller(role="requester", subject=link.requester_id)
    if (
        suggestion is None
        or suggestion.ticket_id != link.ticket_id
        or suggestion.requester_id != link.requester_id
        or suggested_item(seen_by(suggestion, requester), kind=link.kind, item_id=link.item_id)
        is None
    ):
        return LinkView(reading=LinkReading(state="bad"))
    return LinkView(reading=reading, suggestion=suggestion)


async def answer_by_link(
    *, conn: asyncpg.Connection, token: str, secret: str | None, solved: bool, now: datetime
) -> tuple[LinkView, Answered | None]:
    """`POST /answer-links/{token}`: the answer endpoint's effect, as the link's requester."""
    view = await open_answer_link(conn=conn, token=token, secret=secret, now=now)
    link = view.reading.link
    if view.suggestion is None or link is None:
        return view, None
    answered = await record_answer(
        conn=conn,
        caller=Caller(role="requester", subject=link.requester_id),
        suggestion_id=link.suggestion_id,
        given=AnswerGiven(kind=link.kind, item_id=link.item_id, solved=solved),
        now=now,
    )
    return view, answered
