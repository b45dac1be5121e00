"""A real SMTP server's mailbox (aiosmtpd), for tests that read what notify and mail sent, and
mails as clients write them, handed to mail's SMTP gateway (aiosmtplib)."""

import base64
import contextlib
from collections.abc import Iterator, Sequence
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import formatdate, make_msgid, parseaddr

import aiosmtplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.processes import free_port


class Mailbox:
    """aiosmtpd handler keeping every accepted message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.tls_used: list[bool] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self.messages.append(BytesParser(policy=default_policy).parsebytes(raw))
        transport = server.transport
        encrypted = transport is not None and transport.get_extra_info("ssl_object") is not None
        self.tls_used.append(encrypted)
        return "250 OK"


@contextlib.contextmanager
def plain_smtp_server() -> Iterator[tuple[int, Mailbox]]:
    """A plain SMTP server on a free loopback port and its mailbox, for the block's duration."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, mailbox
    finally:
        controller.stop()


def compose(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    charset: str = "utf-8",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
) -> tuple[str, bytes]:
    """A plain-text mail as a mail client writes it: subject and body in `charset` (the
    subject as RFC 2047 encoded words), its Message-ID and the raw bytes."""
    message = MIMEText(body, "plain", charset)
    message["Subject"] = encoded_words(subject, charset)
    name, address = parseaddr(sender)
    message["From"] = f"{encoded_words(name, charset)} <{address}>" if name else address
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = " ".join(references)
    return str(message["Message-ID"]), message.as_bytes().replace(b"\n", b"\r\n")


def encoded_words(text: str, charset: str) -> str:
    """RFC 2047 base64 encoded words labelled as mail clients label them (Python's own codec
    names, such as `eucgb2312_cn`, are not what arrives from the wild)."""
    chunks: list[bytes] = [b""]
    for char in text:  # a word holds whole characters only (RFC 2047 section 5)
        encoded = char.encode(charset)
        if len(chunks[-1]) + len(encoded) > 30:
            chunks.append(b"")
        chunks[-1] += encoded
    words = (f"=?{charset}?b?{base64.b64encode(chunk).decode()}?=" for chunk in chunks)
    return "\r\n ".join(words)


async def send_raw(*, port: int, sender: str, recipients: Sequence[str], raw: bytes) -> str:
    """Hand `raw` to an SMTP server on loopback (as a mail transfer agent relays); its reply."""
    _, reply = await aiosmtplib.send(
        raw, sender=sender, recipients=list(recipients), hostname="127.0.0.1", port=port
    )
    return reply


def text_of(message: EmailMessage) -> str:
    """A received mail's readable text: its plain part, else its HTML part."""
    part = message.get_body(preferencelist=("plain", "html"))
    assert part is not None, f"no text part in {message['Subject']!r}"
    return str(part.get_content())
