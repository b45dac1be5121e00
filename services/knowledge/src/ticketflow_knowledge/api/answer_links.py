"""The signed answer links mailed to requesters: no bearer, the token in the path is the
credential. GET shows the item and two buttons and never changes anything (mail scanners
prefetch links); POST `solved=yes|no` answers, once."""

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ticketflow_common.problems import ProblemError
from ticketflow_knowledge.api.deps import NowDep, PoolDep, SettingsDep
from ticketflow_knowledge.commands.suggestion_answers import (
    LinkView,
    answer_by_link,
    open_answer_link,
)
from ticketflow_knowledge.domain.answer_pages import (
    message_page,
    page_language,
    question_page,
    refusal_page,
    solved_choice,
)
from ticketflow_knowledge.domain.suggestions import suggested_item

PREFIX = "/answer-links/"
router = APIRouter(tags=["answer links"])
MAX_FORM_BYTES = 1_000
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def _refusal(view: LinkView) -> HTMLResponse:
    """410 for an expired link, 404 for any other unusable one."""
    if view.reading.state == "expired":
        return _html(refusal_page("expired"), 410)
    return _html(refusal_page("not_found"), 404)


def _secret(settings: SettingsDep) -> str | None:
    secret = settings.answer_link_secret
    return None if secret is None else secret.get_secret_value()


@router.get(PREFIX + "{token}", response_class=HTMLResponse)
async def show_answer_link(
    token: str, pool: PoolDep, settings: SettingsDep, now: NowDep
) -> HTMLResponse:
    """The suggested item and the two buttons (or what was answered already)."""
    async with pool.acquire() as conn:
        view = await open_answer_link(conn=conn, token=token, secret=_secret(settings), now=now)
    link, suggestion = view.reading.link, view.suggestion
    if link is None or suggestion is None:
        return _refusal(view)
    item = suggested_item(suggestion, kind=link.kind, item_id=link.item_id)
    assert item is not None
    answered = None if suggestion.answer is None else suggestion.answer.solved
    return _html(
        question_page(language=page_language(suggestion.language), item=item, answered=answered)
    )


@router.post(PREFIX + "{token}", response_class=HTMLResponse)
async def answer_link(
    token: str, request: Request, pool: PoolDep, settings: SettingsDep, now: NowDep
) -> HTMLResponse:
    """Form field `solved=yes|no`: the answer endpoint's effect, as the link's requester."""
    body = await request.body()
    form = parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", errors="replace"))
    solved = solved_choice(next(iter(form.get("solved", [])), None))
    async with pool.acquire() as conn:
        if solved is None:
            view = await open_answer_link(conn=conn, token=token, secret=_secret(settings), now=now)
            if view.suggestion is None:
                return _refusal(view)
            language = page_language(view.suggestion.language)
            return _html(message_page(language=language, message="bad_choice"), 422)
        try:
            view, answered = await answer_by_link(
                conn=conn, token=token, secret=_secret(settings), solved=solved, now=now
            )
        except ProblemError as refused:
            return _html(refusal_page("not_found"), refused.status)
    if view.suggestion is None or answered is None:
        return _refusal(view)
    language = page_language(view.suggestion.language)
    if answered.outcome == "conflict":
        return _html(message_page(language=language, message="conflict"), 409)
    if answered.outcome == "same":
        message = "answered_yes" if answered.answer.solved else "answered_no"
        return _html(message_page(language=language, message=message))
    message = "thanks_yes" if solved else "thanks_no"
    return _html(message_page(language=language, message=message))
