"""The signed survey links mailed to requesters: no bearer, the token in the path is the
credential. `GET ?rating=1..5` records the rating at once (one click rates), the page then asks
for a comment and "was it resolved?"; `POST` (form: rating, resolved, comment) adds what is
missing, each part once."""

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ticketflow_common.middleware import HEAD_REQUEST
from ticketflow_intake.api.deps import SURVEY_LINKS, NowDep, PoolDep, SettingsDep
from ticketflow_intake.commands.surveys import LinkAnswer, LinkView, answer_survey, open_survey_link
from ticketflow_intake.domain.survey_pages import (
    BadAnswer,
    conflict_notice,
    message,
    message_page,
    page_language,
    parse_answer,
    refusal_page,
    survey_page,
)

PREFIX = SURVEY_LINKS
router = APIRouter(tags=["survey links"])
MAX_FORM_BYTES = 16_000
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def _refusal(view: LinkView) -> HTMLResponse:
    """410 for an expired or closed survey, 404 for any other unusable link."""
    if view.state not in ("expired", "closed"):
        return _html(refusal_page("not_found"), 404)
    key = "closed" if view.state == "closed" else "expired"
    if view.ticket is None:
        return _html(refusal_page(key), 410)
    return _html(message_page(page_language(view.ticket.language), key), 410)


def _answered(done: LinkAnswer, *, bad: BadAnswer | None = None) -> HTMLResponse:
    view = done.view
    if view.state != "valid" or view.survey is None or view.ticket is None:
        return _refusal(view)
    language = page_language(view.ticket.language)
    status, notice = 200, None
    if bad is not None:
        status, notice = 422, message(language, bad.key)
    elif done.conflicts:
        status, notice = 409, conflict_notice(language, done.conflicts)
    elif not done.added.empty:
        notice = message(language, "thanks")
    page = survey_page(
        language=language, subject=view.ticket.subject, survey=view.survey, notice=notice
    )
    return _html(page, status)


@router.get(PREFIX + "{token}", response_class=HTMLResponse)
async def open_survey(
    token: str,
    request: Request,
    pool: PoolDep,
    settings: SettingsDep,
    now: NowDep,
    rating: str | None = None,
) -> HTMLResponse:
    """With `rating` (1-5), records it if the survey has none yet (the same one again is
    fine, another is refused: 409); then the page for the rest of the survey. A HEAD (link
    checkers) records nothing."""
    secret = settings.survey_secret()
    if getattr(request.state, HEAD_REQUEST, False):
        rating = None
    async with pool.acquire() as conn:
        try:
            answer = parse_answer(rating=rating, resolved=None, comment=None)
        except BadAnswer as bad:
            view = await open_survey_link(conn=conn, token=token, secret=secret, now=now)
            return _answered(LinkAnswer(view=view), bad=bad)
        if answer.empty:
            view = await open_survey_link(conn=conn, token=token, secret=secret, now=now)
            return _answered(LinkAnswer(view=view))
        done = await answer_survey(conn=conn, token=token, secret=secret, answer=answer, now=now)
    return _answered(done)


@router.post(PREFIX + "{token}", response_class=HTMLResponse)
async def answer_survey_form(
    token: str, request: Request, pool: PoolDep, settings: SettingsDep, now: NowDep
) -> HTMLResponse:
    """Form fields `rating`, `resolved=yes|no`, `comment`: adds those not given before."""
    body = await request.body()
    form = parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", errors="replace"))

    def field(name: str) -> str | None:
        return next(iter(form.get(name, [])), None)

    secret = settings.survey_secret()
    async with pool.acquire() as conn:
        try:
            answer = parse_answer(
                rating=field("rating"), resolved=field("resolved"), comment=field("comment")
            )
            if answer.empty:
                raise BadAnswer("comment", "nothing")
        except BadAnswer as bad:
            view = await open_survey_link(conn=conn, token=token, secret=secret, now=now)
            return _answered(LinkAnswer(view=view), bad=bad)
        done = await answer_survey(conn=conn, token=token, secret=secret, answer=answer, now=now)
    return _answered(done)
