"""What parsing makes of one raw mail: the fields every later step (noise rules, threading,
attachments, the `mail.received` event) reads, so the parser can improve without them changing."""

from dataclasses import dataclass, field

from ticketflow_common.events.mail import RefusalReason


@dataclass(frozen=True)
class ParsedAttachment:
    """A file part of a mail, with the name and type it declared (both untrusted)."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMail:
    """One mail, decoded: addresses lower-cased, headers' encoded words decoded, the text part
    preferred over the HTML one, `new_text` without quoted history or signature."""

    message_id: str
    """With its angle brackets; one made from the raw bytes' digest when the mail has none."""
    from_address: str
    from_name: str | None
    to: list[str]
    """The To and Cc addresses, lower-cased, in order."""
    subject: str
    text: str
    """The whole readable body."""
    new_text: str
    """What is new in it: quoted history and signature removed."""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    """Lower-cased names of the headers the noise rules read (auto-submitted, precedence, ...)."""
    content_type: str = "text/plain"
    attachments: list[ParsedAttachment] = field(default_factory=list)
    language: str = "en"
    """The language `new_text` is written in (zh, ja or en), by its script."""
    part_types: list[str] = field(default_factory=list)
    """The content types of every MIME part, in order (a delivery report shows in them)."""


@dataclass(frozen=True)
class Malformed:
    """A mail that cannot be read as one: kept aside with the reason."""

    reason: str
    refusal: RefusalReason = "malformed"
    """The `mail.refused` reason: malformed, or too_large for a mail over the size limit."""
