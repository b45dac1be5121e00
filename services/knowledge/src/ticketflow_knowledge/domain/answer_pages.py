# ruff: noqa: RUF001
"""The small HTML pages behind a signed answer link, in Chinese or English: the item and two
buttons (GET shows, only POST answers: mail scanners prefetch links), and what came of it."""

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Literal

from ticketflow_common.answer_links import AnswerLink, read_answer_link
from ticketflow_common.events.knowledge import SuggestedItem

PageLanguage = Literal["zh", "en"]
LinkState = Literal["valid", "expired", "bad"]
_LONG_AGO = datetime(1970, 1, 2, tzinfo=UTC)

TEXTS: dict[PageLanguage, dict[str, str]] = {
    "en": {
        "question": "Did this solve your request?",
        "yes": "Yes, this solved it",
        "no": "No, I still need help",
        "thanks_yes": "Thank you: we have marked your request as solved.",
        "thanks_no": "Thank you: an agent will keep working on your request.",
        "answered_yes": "You already told us this solved your request.",
        "answered_no": "You already told us this did not solve your request.",
        "conflict": "This suggestion was already answered differently; nothing was changed.",
        "not_found": "This link is not valid.",
        "expired": "This link has expired. Reply to your ticket if you still need help.",
        "bad_choice": "Please choose one of the two buttons.",
        "title": "Suggested answer",
    },
    "zh": {
        "question": "这个方法解决了您的问题吗？",
        "yes": "是的，问题已解决",
        "no": "没有，我仍需要帮助",
        "thanks_yes": "谢谢！我们已将您的请求标记为已解决。",
        "thanks_no": "谢谢！客服人员会继续处理您的请求。",
        "answered_yes": "您已告诉我们这个方法解决了您的问题。",
        "answered_no": "您已告诉我们这个方法没有解决您的问题。",
        "conflict": "此建议已有不同的回答，未做任何更改。",
        "not_found": "此链接无效。",
        "expired": "此链接已过期。如仍需帮助，请回复您的工单。",
        "bad_choice": "请选择两个按钮之一。",
        "title": "推荐答案",
    },
}


@dataclass(frozen=True)
class LinkReading:
    state: LinkState
    link: AnswerLink | None = None


def read_link(*, token: str, secret: str | None, now: datetime) -> LinkReading:
    """Valid, expired (well signed, past its time: 410) or bad (anything else: 404)."""
    if secret is None:
        return LinkReading(state="bad")
    link = read_answer_link(token=token, secret=secret, now=now)
    if link is not None:
        return LinkReading(state="valid", link=link)
    if read_answer_link(token=token, secret=secret, now=_LONG_AGO) is not None:
        return LinkReading(state="expired")
    return LinkReading(state="bad")


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


def _item(item: SuggestedItem) -> str:
    return f"<h1>{escape(item.title)}</h1><p>{escape(item.excerpt)}</p>"


def question_page(*, language: PageLanguage, item: SuggestedItem, answered: bool | None) -> str:
    """The item and, unless already answered, a form posting `solved=yes|no` to this link."""
    texts = TEXTS[language]
    if answered is not None:
        said = texts["answered_yes" if answered else "answered_no"]
        return _page(language, f"{_item(item)}<p>{escape(said)}</p>")
    form = (
        f'<form method="post"><p>{escape(texts["question"])}</p>'
        f'<button type="submit" name="solved" value="yes">{escape(texts["yes"])}</button> '
        f'<button type="submit" name="solved" value="no">{escape(texts["no"])}</button></form>'
    )
    return _page(language, _item(item) + form)


def message_page(*, language: PageLanguage, message: str) -> str:
    """One sentence from TEXTS: thanks, already answered, not found, expired."""
    return _page(language, f"<p>{escape(TEXTS[language][message])}</p>")


def refusal_page(message: str) -> str:
    """For a link whose suggestion (and so its language) is unknown: both languages."""
    both = "".join(f'<p lang="{lang}">{escape(TEXTS[lang][message])}</p>' for lang in ("zh", "en"))
    return _page("en", both)


def solved_choice(value: str | None) -> bool | None:
    """The form's `solved`: yes/no; None for anything else."""
    return {"yes": True, "no": False}.get((value or "").strip().lower())
