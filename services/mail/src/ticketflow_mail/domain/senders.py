"""The block list's entries and the quarantine's rows as the API shows them."""

import re
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field

from ticketflow_common.input_model import InputModel

_ADDRESS = re.compile(
    r"^[^@\s<>]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)
_DOMAIN = re.compile(r"^@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


def sender_pattern(value: str) -> str:
    """An address ("someone@example.com") or a whole domain ("@example.com", subdomains too),
    lower-cased."""
    pattern = value.strip().lower()
    if not (_ADDRESS.match(pattern) or _DOMAIN.match(pattern)):
        raise ValueError('must be an address ("someone@example.com") or a domain ("@example.com")')
    return pattern


SenderPattern = Annotated[str, Field(max_length=320), AfterValidator(sender_pattern)]


def block_candidates(address: str) -> list[str]:
    """The entries that could block `address`: itself, its domain and each parent domain."""
    addr = address.strip().lower()
    labels = addr.rpartition("@")[2].split(".")
    return [addr] + ["@" + ".".join(labels[i:]) for i in range(len(labels) - 1)]


class NewBlockedSender(InputModel):
    sender: SenderPattern
    note: str | None = Field(default=None, max_length=500)


class BlockedSender(BaseModel):
    sender: str
    note: str | None
    created_at: datetime


class QuarantinedMail(BaseModel):
    """A mail kept aside: its raw bytes are kept; releasing it processes it again."""

    mail_id: UUID
    message_id: str
    via: Literal["smtp", "imap"]
    envelope_from: str | None
    from_address: str | None
    subject: str | None
    reason: str | None
    detail: str | None
    size: int = Field(description="Bytes of the raw mail.")
    received_at: datetime
    processed_at: datetime | None


class Released(BaseModel):
    mail_id: UUID
    status: Literal["received"] = "received"
