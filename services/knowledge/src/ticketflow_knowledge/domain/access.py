"""Who may do what in knowledge: admins everything; agents write articles and problems and see
everything; requesters read public, published items and answer suggestions made to them.
The tokens themselves are `ticketflow_common.access_tokens`, for knowledge's audience."""

from datetime import datetime

from ticketflow_common import access_tokens
from ticketflow_common.access_tokens import ADMIN, MAX_ACCESS_TOKEN_HOURS, Caller, CallerRole

ACCESS_AUDIENCE = "ticketflow-knowledge"


def access_token(
    *, role: CallerRole, subject: str, secret: str, now: datetime, hours: float
) -> str:
    """A signed token for an agent or a requester of knowledge, valid `hours` from `now`."""
    return access_tokens.access_token(
        role=role, subject=subject, audience=ACCESS_AUDIENCE, secret=secret, now=now, hours=hours
    )


def caller_of_token(*, token: str, secret: str, now: datetime) -> Caller | None:
    """The agent or requester a well-signed, unexpired knowledge token names; None otherwise."""
    return access_tokens.caller_of_token(
        token=token, audience=ACCESS_AUDIENCE, secret=secret, now=now
    )


__all__ = [
    "ACCESS_AUDIENCE",
    "ADMIN",
    "MAX_ACCESS_TOKEN_HOURS",
    "Caller",
    "CallerRole",
    "access_token",
    "caller_of_token",
]
