"""Who may do what in knowledge: admins everything; agents write articles and problems and see
everything; requesters read public, published items and answer suggestions made to them."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from ticketflow_common.signed_tokens import read_token, sign_token

CallerRole = Literal["admin", "agent", "requester"]
ACCESS_AUDIENCE = "ticketflow-knowledge"
MAX_ACCESS_TOKEN_HOURS = 24 * 31


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of knowledge's API; `subject` is an agent or requester id."""

    role: CallerRole
    subject: str

    @property
    def is_staff(self) -> bool:
        """Agents and admins write and see internal items; requesters do not."""
        return self.role in ("admin", "agent")


ADMIN = Caller(role="admin", subject="admin")
"""Whoever presents `KNOWLEDGE_API_TOKEN`: operators, the CLI, a portal acting for requesters."""


def access_token(
    *, role: CallerRole, subject: str, secret: str, now: datetime, hours: float
) -> str:
    """A signed token for an agent or a requester, valid `hours` from `now`."""
    if role == "admin":
        raise ValueError("admins use the service token")
    if not 0 < hours <= MAX_ACCESS_TOKEN_HOURS:
        raise ValueError(f"hours must be in (0, {MAX_ACCESS_TOKEN_HOURS}]")
    if not subject.strip():
        raise ValueError("subject must not be empty")
    return sign_token(
        subject=subject,
        audience=ACCESS_AUDIENCE,
        secret=secret,
        now=now,
        lifetime=timedelta(hours=hours),
        claims={"role": role},
    )


def caller_of_token(*, token: str, secret: str, now: datetime) -> Caller | None:
    """The agent or requester a well-signed, unexpired access token names; None otherwise."""
    claims = read_token(token=token, audience=ACCESS_AUDIENCE, secret=secret, now=now)
    if claims is None:
        return None
    role, subject = claims.get("role"), claims.get("sub")
    if role not in ("agent", "requester") or not isinstance(subject, str) or not subject:
        return None
    return Caller(role=role, subject=subject)
