"""What knowledge's events mail people (pure): a requester the public items suggested for
their ticket, each with a signed "did this solve it?" link, and the requesters of a resolved
problem's tickets that it is fixed. Templates in `knowledge_templates.py`."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ticketflow_common.answer_links import AnswerLink, answer_link_token
from ticketflow_common.envelope import EventData
from ticketflow_common.events import KnowledgeSuggested, ProblemResolved, SuggestedItem
from ticketflow_notify.domain.tickets import TicketProjection


@dataclass(frozen=True)
class AnswerLinks:
    """Where knowledge's answer pages are, as mail readers reach them, and the secret links to
    them are signed with (shared with knowledge); no secret: mail carries no links."""

    public_url: str
    secret: str | None

    def url(self, link: AnswerLink, *, now: datetime) -> str | None:
        if not self.secret:
            return None
        token = answer_link_token(link=link, secret=self.secret, now=now)
        return f"{self.public_url.rstrip('/')}/answer-links/{token}"


def public_items(event: KnowledgeSuggested) -> list[SuggestedItem]:
    """What a requester may read of a suggestion: its public items, in rank order."""
    return [item for item in event.items if item.public]


def withholds_mail(event: EventData) -> bool:
    """A suggestion with nothing public is for staff screens only: no one is mailed it."""
    return isinstance(event, KnowledgeSuggested) and not public_items(event)


def suggested_to(event: EventData) -> list[str | None]:
    """The requester a suggestion with public items is mailed to, whether or not subscribed."""
    if isinstance(event, KnowledgeSuggested) and public_items(event):
        return [event.requester_email]
    return []


def _same_address(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.strip().lower() == b.strip().lower()


@dataclass(frozen=True)
class KnowledgeMail:
    """Per reader, what a knowledge event's mail renders with beyond the event itself: the
    items (linked for their requester only: a link answers as them) or their fixed tickets."""

    event: EventData
    links: AnswerLinks | None
    now: datetime
    linked: Mapping[str, Sequence[TicketProjection]] = field(default_factory=dict)

    @property
    def problem_readers(self) -> list[str]:
        """The requesters of a resolved problem's tickets, as notify's projection knows them."""
        return list(self.linked)

    def language_for(self, address: str | None) -> str | None:
        """The suggestion's language; for a fixed problem, the reader's first ticket's."""
        if isinstance(self.event, KnowledgeSuggested):
            return self.event.language
        tickets = self.linked.get(address or "", ())
        return tickets[0].language if tickets else None

    def context_for(self, address: str | None) -> dict[str, Any]:
        if isinstance(self.event, KnowledgeSuggested):
            return self._suggestion(address, self.event)
        if isinstance(self.event, ProblemResolved):
            tickets = self.linked.get(address or "", ())
            return {
                "tickets": [{"ticket_id": str(t.ticket_id), "subject": t.subject} for t in tickets]
            }
        return {}

    def _suggestion(self, address: str | None, event: KnowledgeSuggested) -> dict[str, Any]:
        own = _same_address(address, event.requester_email)
        items = []
        for item in public_items(event):
            link = None
            if own and self.links is not None:
                answer = AnswerLink(
                    suggestion_id=event.suggestion_id,
                    ticket_id=event.ticket_id,
                    requester_id=event.requester_id,
                    kind=item.kind,
                    item_id=item.item_id,
                )
                link = self.links.url(answer, now=self.now)
            items.append({**item.model_dump(mode="json"), "link": link})
        return {"items": items, "linked": any(i["link"] for i in items)}


def readers_of_fixed_tickets(
    tickets: Sequence[TicketProjection],
) -> dict[str, list[TicketProjection]]:
    """Each requester with an address and their tickets among those a problem's fix concerns;
    closed tickets are history and hear nothing more."""
    readers: dict[str, list[TicketProjection]] = {}
    for ticket in tickets:
        if ticket.requester_email and ticket.status != "closed":
            readers.setdefault(ticket.requester_email.strip().lower(), []).append(ticket)
    return readers
