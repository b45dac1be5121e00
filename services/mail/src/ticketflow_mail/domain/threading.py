"""Which ticket a mail continues: the Message-IDs it answers (In-Reply-To, then References
newest first) and the "[TF-1a2b3c4d]" reference our replies put in the subject."""

import re

from ticketflow_mail.domain.parsed import ParsedMail

_REFERENCE = re.compile(r"\[\s*(TF-[0-9a-f]{8})\s*\]", re.IGNORECASE)
_PREFIX = re.compile(
    r"^\s*(re|fw|fwd|aw|wg|sv|vs|antw|r|rif|tr|回复|回覆|答复|答覆|转发|轉寄)\s*(\[\d+\])?\s*[:\uff1a]\s*",
    re.IGNORECASE,
)


def ticket_reference(subject: str) -> str | None:
    """The ticket reference in a subject, as "TF-" and 8 lower-case hex digits."""
    found = _REFERENCE.search(subject or "")
    return "TF-" + found.group(1)[3:].lower() if found else None


def thread_keys(parsed: ParsedMail) -> list[str]:
    """The Message-IDs to look the ticket up by, the likeliest first, without repeats."""
    keys: list[str] = []
    for key in [*parsed.in_reply_to, *reversed(parsed.references)]:
        if key not in keys:
            keys.append(key)
    return keys


def base_subject(subject: str) -> str:
    """The subject without reply/forward prefixes and ticket references."""
    text = _REFERENCE.sub(" ", subject or "")
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return " ".join(text.split())


def reply_subject(subject: str, reference: str) -> str:
    """ "Re: <subject> [TF-xxxxxxxx]": one prefix and one reference, however long the thread."""
    base = base_subject(subject)
    return f"Re: {base} [{reference}]" if base else f"Re: [{reference}]"
