"""Thin routes for suggestions: ask, read one, answer it."""

from uuid import UUID

from fastapi import APIRouter

from ticketflow_knowledge.api.deps import (
    CallerDep,
    NowDep,
    PoolDep,
    SettingsDep,
    TermCountsDep,
)
from ticketflow_knowledge.commands.suggestion_answers import answer_suggestion
from ticketflow_knowledge.commands.suggestions import read_suggestion, suggest
from ticketflow_knowledge.domain.suggestions import Answer, AnswerGiven, Suggestion, SuggestionAsk

router = APIRouter(tags=["suggestions"])


@router.post("/suggestions")
async def post_suggestion(
    ask: SuggestionAsk,
    caller: CallerDep,
    pool: PoolDep,
    settings: SettingsDep,
    now: NowDep,
    counts: TermCountsDep,
) -> Suggestion:
    """The best items for a subject and description (requesters: public items only), stored
    with a `suggestion_id` to answer."""
    async with pool.acquire() as conn:
        return await suggest(
            conn=conn,
            caller=caller,
            ask=ask,
            now=now,
            default_limit=settings.suggestion_limit,
            min_score=settings.suggestion_min_score,
            counts=counts,
        )


@router.get("/suggestions/{suggestion_id}")
async def get_suggestion(suggestion_id: UUID, caller: CallerDep, pool: PoolDep) -> Suggestion:
    """Staff read any suggestion; requesters those made for them (public items only)."""
    async with pool.acquire() as conn:
        return await read_suggestion(conn=conn, caller=caller, suggestion_id=suggestion_id)


@router.post("/suggestions/{suggestion_id}/answer")
async def post_answer(
    suggestion_id: UUID, given: AnswerGiven, caller: CallerDep, pool: PoolDep, now: NowDep
) -> Answer:
    """The requester's (or an admin's) one answer: the same again is 200, a different one 409."""
    async with pool.acquire() as conn:
        return await answer_suggestion(
            conn=conn, caller=caller, suggestion_id=suggestion_id, given=given, now=now
        )
