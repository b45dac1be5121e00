"""What the satisfaction loop's events mail people (pure): a requester the survey of their
resolved ticket (invitation or reminder) with one signed one-click link per rating 1-5, and the
team lead a negative rating. Templates in `survey_templates.py`."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ticketflow_common.envelope import EventData
from ticketflow_common.events import FeedbackNegative, TicketSurveyRequested
from ticketflow_common.survey_links import SurveyLink, survey_link_token
from ticketflow_notify.domain.tickets import TicketProjection

RATINGS = (5, 4, 3, 2, 1)
"""Best first, as the mail lists them."""


@dataclass(frozen=True)
class SurveyLinks:
    """Where intake's survey pages are, as mail readers reach them, and the secret links to
    them are signed with (shared with intake); no secret: survey mail carries no links."""

    public_url: str
    secret: str | None

    def page(self, event: TicketSurveyRequested, *, now: datetime) -> str | None:
        if not self.secret:
            return None
        link = SurveyLink(
            survey_id=event.survey_id, ticket_id=event.ticket_id, requester_id=event.requester_id
        )
        token = survey_link_token(
            link=link, secret=self.secret, now=now, expires_at=event.expires_at
        )
        return f"{self.public_url.rstrip('/')}/survey-links/{token}"


def surveyed(event: EventData) -> list[str]:
    """The requester a survey is mailed to, whether or not anyone subscribed."""
    if isinstance(event, TicketSurveyRequested) and event.requester_email:
        return [event.requester_email]
    return []


def negative_feedback_readers(event: EventData, ticket: TicketProjection | None) -> list[str]:
    """The team lead of a negatively rated ticket, as routing last named them; when notify
    knows none, only the subscriptions to `feedback.negative` (e.g. by team) are told."""
    if isinstance(event, FeedbackNegative) and ticket is not None and ticket.team_lead_email:
        return [ticket.team_lead_email]
    return []


def _same_address(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.strip().lower() == b.strip().lower()


@dataclass(frozen=True)
class SurveyMail:
    """Per reader, what a survey event's mail renders with: the one-click rating links, for the
    requester only (a link answers as them)."""

    event: EventData
    links: SurveyLinks | None
    now: datetime

    def context_for(self, address: str | None) -> dict[str, Any]:
        event = self.event
        if not isinstance(event, TicketSurveyRequested):
            return {}
        page = None
        if self.links is not None and _same_address(address, event.requester_email):
            page = self.links.page(event, now=self.now)
        ratings = [{"rating": n, "link": f"{page}?rating={n}"} for n in RATINGS] if page else []
        return {"survey_page": page, "ratings": ratings}
