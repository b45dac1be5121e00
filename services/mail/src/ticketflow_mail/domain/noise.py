"""Mail no person wrote to the desk, refused before it makes a ticket: auto-replies (a loop
with our own replies), bulk and list mail, bounces and delivery reports (RFC 3834, 3464)."""

import re

from ticketflow_common.events.mail import RefusalReason
from ticketflow_mail.domain.parsed import ParsedMail

_BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.I)
_REPORT_TYPES = ("message/delivery-status", "message/disposition-notification")
_BULK_PRECEDENCE = ("bulk", "junk", "list")


def classify_noise(
    parsed: ParsedMail, *, envelope_sender: str | None = None
) -> RefusalReason | None:
    """Why the mail is noise, or None for a person's mail. `envelope_sender` is SMTP's
    MAIL FROM (None when unknown, as for a polled mailbox; "" is the null sender of bounces)."""
    headers = parsed.headers
    if _is_bounce(parsed, envelope_sender):
        return "bounce"
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto.split(";")[0].strip() != "no":
        return "auto_submitted"
    if any(k in headers for k in ("x-autoreply", "x-autorespond", "x-autoresponse")):
        return "auto_submitted"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence == "auto_reply":
        return "auto_submitted"
    if precedence in _BULK_PRECEDENCE:
        return "bulk"
    if precedence and ("list-id" in headers or "list-unsubscribe" in headers):
        return "bulk"  # a list's mail; a person's reply through a list carries no Precedence
    return None


def _is_bounce(parsed: ParsedMail, envelope_sender: str | None) -> bool:
    if envelope_sender is not None and envelope_sender.strip("<> ") == "":
        return True
    if _BOUNCE_SENDERS.match(parsed.from_address):
        return True
    ctype = parsed.headers.get("content-type", "").strip().lower()
    if parsed.content_type == "multipart/report" or ctype.startswith("multipart/report"):
        return True
    if any(t in _REPORT_TYPES for t in (parsed.content_type, *parsed.part_types)):
        return True
    return "x-failed-recipients" in parsed.headers


def is_blocked(address: str, patterns: list[str] | tuple[str, ...]) -> bool:
    """Whether the address is on the block list: an exact address or "@domain" (its
    subdomains too)."""
    addr = address.strip().lower()
    domain = addr.rpartition("@")[2]
    for pattern in patterns:
        p = pattern.strip().lower()
        if not p:
            continue
        if p.startswith("@"):
            if domain == p[1:] or domain.endswith("." + p[1:]):
                return True
        elif addr == p:
            return True
    return False
