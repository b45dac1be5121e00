"""Requesters by address: an email names one person, by mail and through the API alike."""

from functools import lru_cache
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

MAX_EMAIL = 254
"""RFC 5321's limit on a forward path."""


@lru_cache(maxsize=4096)
def normalise_email(raw: str) -> str:
    """Trimmed and lower-cased, so `Ada@Example.com ` and `ada@example.com` are one person;
    no provider tricks (dots, plus tags): those are different mailboxes to a desk. Cached:
    the same few requesters file most tickets, and the check costs more than the request's
    own validation."""
    text = raw.strip()
    if len(text) > MAX_EMAIL:
        raise ValueError(f"is longer than {MAX_EMAIL} characters")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"is not a valid email address: {exc}") from exc
    return checked.normalized.lower()


def _text(value: object) -> object:
    """Only text is an address; anything else is left for pydantic's own type error."""
    return value.strip() if isinstance(value, str) else value


Email = Annotated[
    str,
    StringConstraints(max_length=MAX_EMAIL),
    BeforeValidator(_text),
    Field(json_schema_extra={"format": "email"}),
    AfterValidator(normalise_email),
]
"""An email address as intake stores and compares it (see `normalise_email`)."""


def same_address(a: str | None, b: str | None) -> bool:
    """Whether two addresses, either perhaps missing, name one mailbox."""
    if a is None or b is None:
        return False
    try:
        return normalise_email(a) == normalise_email(b)
    except ValueError:
        return False
