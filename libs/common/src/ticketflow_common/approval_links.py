"""The signed approve/reject link notify mails an approver and intake honours: one decision on
one approval request of one ticket, for the approver it was mailed to, until it expires."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from ticketflow_common.signed_tokens import read_token, sign_token

APPROVAL_AUDIENCE = "ticketflow-intake-approval"
APPROVAL_LINK_LIFETIME = timedelta(days=7)
LinkDecision = Literal["approve", "reject"]
_DECISIONS: frozenset[str] = frozenset({"approve", "reject"})


@dataclass(frozen=True)
class ApprovalLink:
    approval_id: UUID
    ticket_id: UUID
    approver_id: str
    decision: LinkDecision


def approval_link_token(
    *, link: ApprovalLink, secret: str, now: datetime, lifetime: timedelta = APPROVAL_LINK_LIFETIME
) -> str:
    return sign_token(
        subject=str(link.approval_id),
        audience=APPROVAL_AUDIENCE,
        secret=secret,
        now=now,
        lifetime=lifetime,
        claims={"tkt": str(link.ticket_id), "apr": link.approver_id, "dec": link.decision},
    )


def read_approval_link(*, token: str, secret: str, now: datetime) -> ApprovalLink | None:
    """The link a well-signed, unexpired token stands for; None for any other token."""
    claims = read_token(token=token, audience=APPROVAL_AUDIENCE, secret=secret, now=now)
    if claims is None:
        return None
    decision, approver = claims.get("dec"), claims.get("apr")
    if decision not in _DECISIONS or not isinstance(approver, str) or not approver:
        return None
    try:
        return ApprovalLink(
            approval_id=UUID(str(claims["sub"])),
            ticket_id=UUID(str(claims.get("tkt"))),
            approver_id=approver,
            decision=decision,
        )
    except ValueError:
        return None
