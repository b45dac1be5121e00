"""The signed satisfaction-survey link notify mails a requester and intake honours: one survey
of one ticket, for the requester it was sent to, until the survey expires."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID

from ticketflow_common.signed_tokens import read_token, sign_token

SURVEY_AUDIENCE = "ticketflow-intake-survey"
_LONG_AGO = datetime(1970, 1, 2, tzinfo=UTC)
LinkState = Literal["valid", "expired", "bad"]


@dataclass(frozen=True)
class SurveyLink:
    survey_id: UUID
    ticket_id: UUID
    requester_id: str


def survey_link_token(*, link: SurveyLink, secret: str, now: datetime, expires_at: datetime) -> str:
    """A token valid until the survey's own expiry (at least a minute, so it signs)."""
    lifetime = max(expires_at - now, timedelta(minutes=1))
    return sign_token(
        subject=str(link.survey_id),
        audience=SURVEY_AUDIENCE,
        secret=secret,
        now=now,
        lifetime=lifetime,
        claims={"tkt": str(link.ticket_id), "req": link.requester_id},
    )


def read_survey_link(*, token: str, secret: str, now: datetime) -> SurveyLink | None:
    """The link a well-signed, unexpired token stands for; None for any other token."""
    claims = read_token(token=token, audience=SURVEY_AUDIENCE, secret=secret, now=now)
    if claims is None:
        return None
    requester = claims.get("req")
    if not isinstance(requester, str):
        return None
    try:
        return SurveyLink(
            survey_id=UUID(str(claims["sub"])),
            ticket_id=UUID(str(claims.get("tkt"))),
            requester_id=requester,
        )
    except ValueError:
        return None


def survey_link_state(
    *, token: str, secret: str | None, now: datetime
) -> tuple[LinkState, SurveyLink | None]:
    """Valid (with its link), expired (well signed, past its time) or bad (anything else)."""
    if not secret:
        return "bad", None
    link = read_survey_link(token=token, secret=secret, now=now)
    if link is not None:
        return "valid", link
    if read_survey_link(token=token, secret=secret, now=_LONG_AGO) is not None:
        return "expired", None
    return "bad", None
