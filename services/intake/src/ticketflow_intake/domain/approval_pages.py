# ruff: noqa: RUF001
"""The small HTML pages behind a signed approve/reject link, in Chinese or English: the
ticket and one confirm button (GET shows, only POST decides: mail scanners prefetch links),
and what came of it. Every value from a ticket is escaped."""

from decimal import Decimal
from html import escape
from typing import Literal

PageLanguage = Literal["zh", "en"]

TEXTS: dict[PageLanguage, dict[str, str]] = {
    "en": {
        "title": "Approval",
        "ask_approve": "Approve this request?",
        "ask_reject": "Reject this request?",
        "confirm_approve": "Yes, approve",
        "confirm_reject": "Yes, reject",
        "reason": "Reason (optional)",
        "amount": "Amount",
        "done_approved": "Thank you: the request is approved and work can start.",
        "done_rejected": "Thank you: the request is rejected and closed.",
        "already": "This request was already decided: {decision} by {by} at {at}.",
        "approved": "approved",
        "rejected": "rejected",
        "not_found": "This link is not valid.",
        "expired": "This link has expired. Ask for a new one or decide in Ticketflow.",
        "not_approver": "You are no longer an approver of this ticket's category.",
    },
    "zh": {
        "title": "审批",
        "ask_approve": "批准此请求？",
        "ask_reject": "驳回此请求？",
        "confirm_approve": "确认批准",
        "confirm_reject": "确认驳回",
        "reason": "原因（可选）",
        "amount": "金额",
        "done_approved": "谢谢！请求已批准，可以开始处理。",
        "done_rejected": "谢谢！请求已驳回并关闭。",
        "already": "此请求已于 {at} 由 {by} {decision}。",
        "approved": "批准",
        "rejected": "驳回",
        "not_found": "此链接无效。",
        "expired": "此链接已过期。请在 Ticketflow 中审批。",
        "not_approver": "您已不再是此工单类别的审批人。",
    },
}


def page_language(language: str | None) -> PageLanguage:
    return "zh" if (language or "").lower().split("-", 1)[0] == "zh" else "en"


def _page(language: PageLanguage, body: str) -> str:
    lang = "zh-CN" if language == "zh" else "en"
    title = escape(TEXTS[language]["title"])
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{title}</title></head>'
        f"<body>{body}</body></html>\n"
    )


def _ticket(language: PageLanguage, subject: str, amount: Decimal | None) -> str:
    shown = f"<h1>{escape(subject)}</h1>"
    if amount is not None:
        shown += f"<p>{escape(TEXTS[language]['amount'])}: {escape(f'{amount:,.2f}')}</p>"
    return shown


def confirm_page(
    *, language: PageLanguage, subject: str, amount: Decimal | None, decision: str
) -> str:
    """The ticket and a form posting to this link; nothing is decided until it is sent."""
    texts = TEXTS[language]
    form = (
        f'<form method="post"><p>{escape(texts["ask_" + decision])}</p>'
        f'<p><label>{escape(texts["reason"])} <input name="reason" maxlength="500"></label></p>'
        f'<button type="submit">{escape(texts["confirm_" + decision])}</button></form>'
    )
    return _page(language, _ticket(language, subject, amount) + form)


def decided_page(
    *, language: PageLanguage, subject: str, decision: str, by: str, at: str, mine: bool
) -> str:
    """Thanks for the decision just made, or who decided before."""
    texts = TEXTS[language]
    if mine:
        said = texts["done_" + decision]
    else:
        said = texts["already"].format(decision=texts.get(decision, decision), by=by, at=at)
    return _page(language, f"<h1>{escape(subject)}</h1><p>{escape(said)}</p>")


def refusal_page(message: str) -> str:
    """For a link that decides nothing: both languages."""
    both = "".join(f'<p lang="{lang}">{escape(TEXTS[lang][message])}</p>' for lang in ("zh", "en"))
    return _page("en", both)
