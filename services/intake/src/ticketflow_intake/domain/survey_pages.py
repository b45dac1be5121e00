# ruff: noqa: RUF001
"""The small HTML pages behind a signed survey link, in Chinese or English (the ticket's
language): what was recorded, the form for what is still missing, and refusals. Every text
taken from a ticket or an answer is escaped."""

from html import escape
from typing import Literal

from ticketflow_intake.domain.surveys import Survey, SurveyAnswer

PageLanguage = Literal["zh", "en"]
MAX_COMMENT = 2000

TEXTS: dict[PageLanguage, dict[str, str]] = {
    "en": {
        "title": "How did we do?",
        "about": "Your request:",
        "rate": "How satisfied are you with how we handled it? (1 = very unhappy, 5 = very happy)",
        "rated": "Thank you: you rated us {rating} out of 5.",
        "resolved_q": "Was your problem resolved?",
        "yes": "Yes",
        "no": "No",
        "comment": "Anything you would like to tell us? (optional)",
        "send": "Send",
        "done": "Thank you: we have your answers.",
        "thanks": "Thank you for your answer.",
        "conflict": "You already answered this ({parts}); a survey is answered once, so nothing"
        " was changed.",
        "bad_rating": "The rating must be a whole number from 1 to 5.",
        "bad_resolved": "The answer to \u201cwas it resolved?\u201d must be yes or no.",
        "bad_comment": "The comment may have at most 2000 characters.",
        "nothing": "Please give a comment or answer whether your problem was resolved.",
        "not_found": "This survey link is not valid.",
        "expired": "This survey has expired. Thank you all the same.",
        "closed": "This ticket was reopened, so this survey is closed: you will be asked again"
        " once it is resolved.",
    },
    "zh": {
        "title": "满意度调查",
        "about": "您的请求：",
        "rate": "您对本次服务满意吗？（1 = 非常不满意，5 = 非常满意）",
        "rated": "谢谢！您的评分是 {rating} 分（满分 5 分）。",
        "resolved_q": "您的问题解决了吗？",
        "yes": "已解决",
        "no": "未解决",
        "comment": "还有什么想告诉我们的吗？（可选）",
        "send": "提交",
        "done": "谢谢！我们已收到您的回答。",
        "thanks": "感谢您的回答。",
        "conflict": "您已回答过此项（{parts}）；每份调查只能回答一次，未做任何更改。",
        "bad_rating": "评分必须是 1 到 5 之间的整数。",
        "bad_resolved": "“问题是否解决”的回答必须是“是”或“否”。",
        "bad_comment": "意见最多 2000 个字符。",
        "nothing": "请填写意见，或告诉我们问题是否已解决。",
        "not_found": "此调查链接无效。",
        "expired": "此调查已过期。仍然感谢您！",
        "closed": "此工单已重新打开，本次调查已关闭：工单再次解决后我们会重新邀请您。",
    },
}
PART_NAMES: dict[PageLanguage, dict[str, str]] = {
    "en": {"rating": "rating", "resolved": "resolved", "comment": "comment"},
    "zh": {"rating": "评分", "resolved": "是否解决", "comment": "意见"},
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
        f"<body><h1>{title}</h1>{body}</body></html>\n"
    )


def _missing_form(language: PageLanguage, survey: Survey) -> str:
    texts = TEXTS[language]
    fields = []
    if survey.rating is None:
        options = " ".join(
            f'<label><input type="radio" name="rating" value="{n}"> {n}</label>'
            for n in range(1, 6)
        )
        fields.append(f"<p>{escape(texts['rate'])}</p><p>{options}</p>")
    if survey.resolved is None:
        fields.append(
            f"<p>{escape(texts['resolved_q'])}</p><p>"
            f'<label><input type="radio" name="resolved" value="yes"> {escape(texts["yes"])}'
            "</label> "
            f'<label><input type="radio" name="resolved" value="no"> {escape(texts["no"])}'
            "</label></p>"
        )
    if survey.comment is None:
        fields.append(
            f'<p><label for="comment">{escape(texts["comment"])}</label></p>'
            f'<p><textarea id="comment" name="comment" maxlength="{MAX_COMMENT}" rows="5"'
            ' cols="60"></textarea></p>'
        )
    if not fields:
        return f"<p>{escape(texts['done'])}</p>"
    return (
        '<form method="post">'
        + "".join(fields)
        + f'<p><button type="submit">{escape(texts["send"])}</button></p></form>'
    )


def survey_page(
    *, language: PageLanguage, subject: str, survey: Survey, notice: str | None = None
) -> str:
    """What is recorded, a notice (thanks, a refusal), and the form for what is missing."""
    texts = TEXTS[language]
    parts = [f"<p>{escape(texts['about'])} {escape(subject)}</p>"]
    if notice:
        parts.append(f'<p role="status">{escape(notice)}</p>')
    if survey.rating is not None:
        parts.append(f"<p>{escape(texts['rated'].format(rating=survey.rating))}</p>")
    parts.append(_missing_form(language, survey))
    return _page(language, "".join(parts))


def conflict_notice(language: PageLanguage, parts: tuple[str, ...]) -> str:
    names = "、" if language == "zh" else ", "
    return TEXTS[language]["conflict"].format(
        parts=names.join(PART_NAMES[language][p] for p in parts)
    )


def message(language: PageLanguage, key: str) -> str:
    return TEXTS[language][key]


def message_page(language: PageLanguage, key: str) -> str:
    return _page(language, f"<p>{escape(TEXTS[language][key])}</p>")


def refusal_page(key: str) -> str:
    """For a link whose ticket (and so its language) is unknown: both languages."""
    both = "".join(f'<p lang="{lang}">{escape(TEXTS[lang][key])}</p>' for lang in ("zh", "en"))
    return _page("en", both)


class BadAnswer(ValueError):
    """A part of an answer that is not valid; `field` names it and `key` its message."""

    def __init__(self, field: str, key: str) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key


def parse_rating(value: str | None) -> int | None:
    """'1'..'5' as the rating; None when absent; `BadAnswer` for anything else."""
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 5:
        raise BadAnswer("rating", "bad_rating")
    return int(text)


def parse_answer(*, rating: str | None, resolved: str | None, comment: str | None) -> SurveyAnswer:
    """The form's fields as an answer; `BadAnswer` naming the first bad one."""
    given_rating = parse_rating(rating)
    choice: bool | None = None
    if resolved is not None and resolved.strip() != "":
        found = {"yes": True, "no": False}.get(resolved.strip().lower())
        if found is None:
            raise BadAnswer("resolved", "bad_resolved")
        choice = found
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT or "\x00" in text:
        raise BadAnswer("comment", "bad_comment")
    return SurveyAnswer(rating=given_rating, resolved=choice, comment=text or None)
