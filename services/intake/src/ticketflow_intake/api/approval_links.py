"""The signed approve/reject links mailed to approvers: no bearer, the token in the path is
the credential. GET shows the ticket and a confirm button and changes nothing (mail scanners
prefetch links); POST decides, once, as `POST /tickets/{id}/approval` does."""

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ticketflow_common.problems import ProblemError
from ticketflow_intake.api.deps import APPROVAL_LINKS, NowDep, PoolDep, SettingsDep
from ticketflow_intake.commands.approval_links import (
    ApprovalLinkView,
    decide_by_link,
    open_approval_link,
)
from ticketflow_intake.domain.approval_pages import (
    confirm_page,
    decided_page,
    page_language,
    refusal_page,
)

PREFIX = APPROVAL_LINKS
router = APIRouter(tags=["approval links"])
MAX_FORM_BYTES = 2_000
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def _secret(settings: SettingsDep) -> str | None:
    secret = settings.approval_link_secret
    return None if secret is None else secret.get_secret_value()


def _refusal(view: ApprovalLinkView) -> HTMLResponse | None:
    """410 expired, 403 no longer an approver, 404 any other unusable link; None: usable."""
    if view.state == "expired":
        return _html(refusal_page("expired"), 410)
    if view.state == "not_approver":
        return _html(refusal_page("not_approver"), 403)
    if view.state != "valid" or view.ticket is None or view.link is None:
        return _html(refusal_page("not_found"), 404)
    return None


@router.get(PREFIX + "{token}", response_class=HTMLResponse)
async def show_approval_link(
    token: str, pool: PoolDep, settings: SettingsDep, now: NowDep
) -> HTMLResponse:
    """The ticket and the confirm button (or who decided it already)."""
    async with pool.acquire() as conn:
        view = await open_approval_link(conn=conn, token=token, secret=_secret(settings), now=now)
    refused = _refusal(view)
    if refused is not None:
        return refused
    assert view.ticket is not None
    assert view.link is not None
    assert view.request is not None
    language = page_language(view.ticket.language)
    request = view.request
    if request.status == "decided" and request.decision and request.decided_at:
        return _html(
            decided_page(
                language=language,
                subject=view.ticket.subject,
                decision=request.decision,
                by=request.decided_by or "",
                at=request.decided_at.isoformat(),
                mine=False,
            )
        )
    return _html(
        confirm_page(
            language=language,
            subject=view.ticket.subject,
            amount=view.ticket.amount,
            decision=view.link.decision,
        )
    )


@router.post(PREFIX + "{token}", response_class=HTMLResponse)
async def decide_approval_link(
    token: str, request: Request, pool: PoolDep, settings: SettingsDep, now: NowDep
) -> HTMLResponse:
    """Decide as the link says (optional form field `reason`); 409 naming who decided."""
    body = await request.body()
    form = parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", errors="replace"))
    reason = (next(iter(form.get("reason", [])), "") or "").strip()[:500] or None
    async with pool.acquire() as conn:
        try:
            view, decided = await decide_by_link(
                conn=conn, token=token, secret=_secret(settings), reason=reason, now=now
            )
        except ProblemError as refused:
            view = await open_approval_link(
                conn=conn, token=token, secret=_secret(settings), now=now
            )
            if view.ticket is None or refused.status != 409:
                return _html(refusal_page("not_found"), refused.status)
            latest = refused.extra
            return _html(
                decided_page(
                    language=page_language(view.ticket.language),
                    subject=view.ticket.subject,
                    decision=str(latest.get("decision")),
                    by=str(latest.get("decided_by")),
                    at=str(latest.get("decided_at")),
                    mine=False,
                ),
                409,
            )
    refused_page = _refusal(view)
    if refused_page is not None or decided is None:
        return refused_page or _html(refusal_page("not_found"), 404)
    decision = "approved" if decided.status == "open" else "rejected"
    return _html(
        decided_page(
            language=page_language(decided.language),
            subject=decided.subject,
            decision=decision,
            by="",
            at="",
            mine=True,
        )
    )
