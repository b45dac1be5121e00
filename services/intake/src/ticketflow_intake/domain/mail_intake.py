"""What a received mail becomes (pure): a new ticket, or a comment on the ticket it continues,
and what that comment does to the ticket's status."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ticketflow_common.events import MailAttachment, MailReceived
from ticketflow_intake.domain.lifecycle import LifecycleRefused, check_reopen
from ticketflow_intake.domain.requesters import same_address
from ticketflow_intake.domain.tickets import Ticket

MAX_SUBJECT = 200
MAX_TEXT = 20_000
NO_SUBJECT = "(no subject)"
EMPTY_MAIL = "(the mail had no text)"
FOLLOW_UP_FIELD = "follow_up_of"
LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


@dataclass(frozen=True)
class MailReply:
    """A mail on a ticket it continues: a public comment (the requester, or an address that
    watches the ticket) or an internal note (anyone else: nothing lost, nothing put in the
    requester's conversation by a stranger), and what it does to the ticket's status."""

    public: bool
    reopen: bool = False
    """The requester answered a resolved ticket within the reopen window."""
    back_to_open: bool = False
    """The requester answered a ticket waiting on them."""


def plan_reply(
    ticket: Ticket, *, sender_id: str, sender_email: str, now: datetime, window: timedelta
) -> MailReply | None:
    """None: the mail starts a follow-up ticket instead (the ticket is closed, or resolved
    longer ago than the reopen window and the requester writes again)."""
    if ticket.status == "closed":
        return None
    is_requester = sender_id == ticket.requester.id
    watches = any(same_address(w, sender_email) for w in ticket.watchers)
    if not is_requester:
        return MailReply(public=watches)
    if ticket.status == "resolved":
        try:
            check_reopen(ticket.status, resolved_at=ticket.resolved_at, now=now, window=window)
        except LifecycleRefused:
            return None
        return MailReply(public=True, reopen=True)
    return MailReply(public=True, back_to_open=ticket.status == "waiting_on_customer")


def clean(text: str) -> str:
    """Text Postgres stores: no NUL characters (a broken mail may carry some)."""
    return text.replace("\x00", "")


def attachments_footer(attachments: list[MailAttachment]) -> str:
    """The mail's files, listed under its text (the files themselves stay with mail)."""
    if not attachments:
        return ""
    lines = [
        f"- {clean(a.filename)} ({a.content_type}, {a.size} bytes, attachment {a.attachment_id})"
        for a in attachments
    ]
    return "\n\nAttachments:\n" + "\n".join(lines)


def mail_text(mail: MailReceived, *, empty: str = "") -> str:
    """The mail's new text and its attachments' list, cut to what a ticket or comment holds."""
    footer = attachments_footer(mail.attachments)[:MAX_TEXT]
    text = clean(mail.text).strip()[: MAX_TEXT - len(footer)]
    return (text + footer).strip() or empty


def mail_language(language: str) -> str:
    """The mail's language as tickets name them (`zh`, `pt-BR`); English when unreadable."""
    if LANGUAGE.match(language):
        return language
    head = language[:2].lower()
    return head if re.fullmatch(r"[a-z]{2}", head) else "en"


def ticket_fields(
    mail: MailReceived, *, requester_email: str, follow_up_of: Ticket | None
) -> dict[str, Any]:
    """The `NewTicket` body a mail files, by channel `email`."""
    subject = clean(mail.subject).strip()[:MAX_SUBJECT] or NO_SUBJECT
    requester: dict[str, Any] = {"email": requester_email}
    if mail.from_name and clean(mail.from_name).strip():
        requester["name"] = clean(mail.from_name).strip()[:200]
    fields: dict[str, Any] = {
        "subject": subject,
        "description": mail_text(mail),
        "requester": requester,
        "channel": "email",
        "language": mail_language(mail.language),
    }
    if follow_up_of is not None:
        fields["custom_fields"] = {FOLLOW_UP_FIELD: str(follow_up_of.id)}
    return fields
