"""`mail.events.v1`: what the mail gateway tells everyone: a mail was received (intake makes it
a ticket or a comment), a reply was sent, a mail was refused or kept aside.

Key: the ticket id when the mail belongs to a ticket, else the mail's own id.
"""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common import topics
from ticketflow_common.envelope import EventData

RefusalReason = Literal[
    "auto_submitted", "bulk", "bounce", "rate_limited", "blocked", "malformed", "too_large"
]


class MailAttachment(BaseModel):
    """A file a mail carried, stored by mail (`GET /attachments/{attachment_id}`)."""

    attachment_id: UUID
    filename: str
    content_type: str
    size: int = Field(ge=0, description="Bytes.")


class MailReceived(EventData):
    """A mail accepted from the SMTP gateway or the polled mailbox, parsed: its new text
    (quoted history and signature removed) and the ticket it continues, if any."""

    topic: ClassVar[str] = topics.MAIL
    event_type: ClassVar[str] = "mail.received"

    mail_id: UUID
    message_id: str = Field(description="The RFC 5322 Message-ID, with its angle brackets.")
    from_address: str = Field(description="Lower-cased.")
    from_name: str | None = None
    subject: str
    text: str = Field(description="What is new in the mail: no quoted history, no signature.")
    language: str = "en"
    ticket_id: UUID | None = Field(
        default=None,
        description="The ticket the mail continues (In-Reply-To, References or the subject's"
        " ticket reference); None: a new request.",
    )
    attachments: list[MailAttachment] = Field(default_factory=list)
    via: Literal["smtp", "imap"]
    received_at: datetime


class MailSent(EventData):
    """A reply mailed to a ticket's requester, in the ticket's thread."""

    topic: ClassVar[str] = topics.MAIL
    event_type: ClassVar[str] = "mail.sent"

    mail_id: UUID
    ticket_id: UUID
    comment_id: UUID | None = None
    message_id: str
    to: str
    sent_at: datetime


class MailRefused(EventData):
    """A mail not made into a ticket or comment: a loop, noise, a blocked or too eager sender,
    or a malformed message (kept aside with the reason, never lost)."""

    topic: ClassVar[str] = topics.MAIL
    event_type: ClassVar[str] = "mail.refused"

    mail_id: UUID
    message_id: str | None = None
    from_address: str | None = None
    reason: RefusalReason
    detail: str
    quarantined: bool = Field(description="Kept aside for an operator to look at.")
    refused_at: datetime


MODELS: tuple[type[EventData], ...] = (MailReceived, MailSent, MailRefused)
