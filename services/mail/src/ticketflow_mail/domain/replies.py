"""What an agent's reply mail is: which comments are mailed, its threading headers (its subject
is `domain.threading.reply_subject`) and when a failed one is tried again."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from ticketflow_common.events import TicketCommented

MAILED_ROLES = frozenset({"agent", "admin"})
TICKET_HEADER = "X-Ticketflow-Ticket"


def is_mailed(event: TicketCommented) -> bool:
    """Only a public comment with text, by an agent, an admin or an automation rule (a reply
    a rule writes as `system`, so it is no first response), goes to the requester."""
    by_rule = event.author_role == "system" and event.caused_by is not None
    by_staff = event.author_role in MAILED_ROLES or by_rule
    return event.public and by_staff and bool((event.body or "").strip())


@dataclass(frozen=True)
class ReplyPolicy:
    """Who replies are from, and how they are retried."""

    from_name: str
    from_address: str
    message_id_domain: str
    retry_schedule: list[float]
    max_references: int
    lease_seconds: float


@dataclass(frozen=True)
class Outgoing:
    """One reply as it is handed to the relay."""

    message_id: str
    ticket_id: str
    sender_name: str
    sender_address: str
    to: str
    subject: str
    body: str
    thread: list[str]
    """The ticket's earlier Message-IDs, oldest first (the last is the one replied to)."""


def threading_headers(thread: list[str], *, max_references: int) -> tuple[str | None, list[str]]:
    """In-Reply-To (the thread's latest message) and References: the first message, then the
    latest ones, at most `max_references` (RFC 5322 §3.6.4; long threads keep both ends)."""
    if not thread:
        return None, []
    if len(thread) <= max_references:
        return thread[-1], list(thread)
    return thread[-1], [thread[0], *thread[len(thread) - max_references + 1 :]]


def reply_message(outgoing: Outgoing, *, now: datetime, max_references: int) -> EmailMessage:
    """A human's reply: plain UTF-8 text, threaded, never marked Auto-Submitted."""
    message = EmailMessage()
    message["From"] = formataddr((outgoing.sender_name, outgoing.sender_address))
    message["To"] = outgoing.to
    message["Subject"] = outgoing.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = outgoing.message_id
    in_reply_to, references = threading_headers(outgoing.thread, max_references=max_references)
    if in_reply_to is not None:
        message["In-Reply-To"] = in_reply_to
        message["References"] = " ".join(references)
    message[TICKET_HEADER] = outgoing.ticket_id
    message.set_content(outgoing.body, charset="utf-8")
    return message


def retry_at(
    *, attempts_made: int, schedule: list[float], now: datetime, code: int | None = None
) -> datetime | None:
    """After `attempts_made` failed attempts, retry n waits schedule[n - 1]; None: give up, at
    once when the relay refused for good (a 5xx reply, RFC 5321 §4.2.1)."""
    if code is not None and 500 <= code < 600:
        return None
    if attempts_made > len(schedule):
        return None
    return now + timedelta(seconds=schedule[attempts_made - 1])
