"""The signed "this solved it" link notify mails a requester and knowledge honours: one
suggested item of one suggestion, for the requester it was made to, until it expires."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from ticketflow_common.events.knowledge import ItemKind
from ticketflow_common.signed_tokens import read_token, sign_token

ANSWER_AUDIENCE = "ticketflow-knowledge-answer"
ANSWER_LINK_LIFETIME = timedelta(days=14)
_KINDS: frozenset[str] = frozenset({"article", "known_error", "solution"})


@dataclass(frozen=True)
class AnswerLink:
    suggestion_id: UUID
    ticket_id: UUID
    requester_id: str
    kind: ItemKind
    item_id: UUID


def answer_link_token(
    *, link: AnswerLink, secret: str, now: datetime, lifetime: timedelta = ANSWER_LINK_LIFETIME
) -> str:
    return sign_token(
        subject=str(link.suggestion_id),
        audience=ANSWER_AUDIENCE,
        secret=secret,
        now=now,
        lifetime=lifetime,
        claims={
            "tkt": str(link.ticket_id),
            "req": link.requester_id,
            "kind": link.kind,
            "item": str(link.item_id),
        },
    )


def read_answer_link(*, token: str, secret: str, now: datetime) -> AnswerLink | None:
    """The link a well-signed, unexpired token stands for; None for any other token."""
    claims = read_token(token=token, audience=ANSWER_AUDIENCE, secret=secret, now=now)
    if claims is None:
        return None
    kind, requester = claims.get("kind"), claims.get("req")
    if kind not in _KINDS or not isinstance(requester, str):
        return None
    try:
        return AnswerLink(
            suggestion_id=UUID(str(claims["sub"])),
            ticket_id=UUID(str(claims.get("tkt"))),
            requester_id=requester,
            kind=kind,
            item_id=UUID(str(claims.get("item"))),
        )
    except ValueError:
        return None
