"""What the gateway and the poller read of a raw mail before storing it: the Message-ID that
makes a second delivery of the same mail a no-op (the same one parsing finds)."""

from email.parser import BytesHeaderParser
from email.policy import compat32

from ticketflow_mail.domain.headers import message_id
from ticketflow_mail.domain.parsing import derived_message_id


def message_id_of(raw: bytes) -> str:
    """The mail's Message-ID with its angle brackets; the digest-made one parsing gives a mail
    without a readable one, so the same bytes always get the same id."""
    try:
        header = BytesHeaderParser(policy=compat32).parsebytes(raw).get("Message-ID")
        found = message_id(str(header)) if header is not None else None
    except Exception:
        found = None
    return found or derived_message_id(raw)
