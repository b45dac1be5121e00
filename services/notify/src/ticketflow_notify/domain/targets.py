"""Who hears about an event: subscriptions matched, roles resolved to addresses, deduplicated."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from ticketflow_common.envelope import EventData
from ticketflow_common.events import (
    AgentChanged,
    AgentStatusChanged,
    KnowledgeSuggested,
    ReportPublished,
    SlaAtRisk,
    SlaEscalated,
    SlaFacts,
    StaffingGapForecast,
    TeamChanged,
    TicketApprovalRequested,
    TicketAssigned,
    TicketCreated,
    TicketEscalated,
    TicketFacts,
    TicketQueued,
    TicketSurveyRequested,
    TicketUnassigned,
)
from ticketflow_notify.domain.approval_mail import approvers_asked
from ticketflow_notify.domain.deliveries import Channel, Destination
from ticketflow_notify.domain.endpoints import EndpointKind
from ticketflow_notify.domain.knowledge_mail import suggested_to
from ticketflow_notify.domain.subscriptions import (
    EmailTarget,
    EndpointTarget,
    EventFacts,
    Role,
    RoleTarget,
    Subscription,
    matches,
)
from ticketflow_notify.domain.survey_mail import surveyed
from ticketflow_notify.domain.tickets import TicketProjection

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


@dataclass(frozen=True)
class SubscribedTarget:
    subscription: Subscription
    endpoint_kind: EndpointKind | None = None


@dataclass(frozen=True)
class Route(Destination):
    """One target to tell; `digest_seconds` set when the event waits for a digest instead.
    No subscription: the event itself names the person (see `addressed_emails`)."""

    address: str | None
    digest_seconds: int | None
    subscription_id: UUID | None


def _team(event: EventData) -> str | None:
    match event:
        case (
            TicketFacts()
            | SlaFacts()
            | TicketAssigned()
            | TicketQueued()
            | TicketUnassigned()
            | AgentStatusChanged()
            | TeamChanged()
            | StaffingGapForecast()
            | SlaAtRisk()
            | ReportPublished()
        ):
            return event.team or None
        case AgentChanged():
            return event.teams[0] if event.teams else None
    return None


def _priority(event: EventData) -> str | None:
    match event:
        case TicketFacts() | SlaFacts() | TicketQueued() | SlaAtRisk():
            return event.priority or None
    return None


def _escalation_level(event: EventData) -> int | None:
    match event:
        case SlaEscalated() | TicketEscalated():
            return event.level
    return None


def facts_of(event: EventData, *, ticket: TicketProjection | None) -> EventFacts:
    """What subscriptions filter on: the event's own facts, else the ticket's."""
    return EventFacts(
        event_type=event.event_type,
        team=_team(event) or (ticket.team if ticket else None),
        priority=_priority(event) or (ticket.priority if ticket else None),
        policy=(event.policy or None) if isinstance(event, SlaFacts) else None,
        escalation_level=_escalation_level(event),
        category=_category(event) or (ticket.category if ticket else None),
        tags=_tags(event, ticket),
        tier=(event.requester_tier if isinstance(event, TicketFacts) else None)
        or (ticket.requester_tier if ticket else None),
        requesters=_requesters(event, ticket),
    )


def _category(event: EventData) -> str | None:
    return (event.category or None) if isinstance(event, TicketFacts) else None


def _tags(event: EventData, ticket: TicketProjection | None) -> tuple[str, ...]:
    """The tags after this change when the event tells them, else the ticket's."""
    if isinstance(event, TicketFacts) and event.tags is not None:
        return tuple(event.tags)
    return ticket.tags if ticket else ()


def _requesters(event: EventData, ticket: TicketProjection | None) -> tuple[str, ...]:
    """Every name the requester is known by: id and email address."""
    names = []
    if isinstance(event, TicketFacts):
        names.append(event.requester_id)
    if isinstance(event, TicketCreated) and event.requester_email:
        names.append(event.requester_email)
    if ticket is not None:
        names += [n for n in (ticket.requester_id, ticket.requester_email) if n]
    return tuple(dict.fromkeys(names))


def email_target(address: str) -> str:
    return f"email:{address.strip().lower()}"


def endpoint_target(endpoint_id: UUID) -> str:
    return f"endpoint:{endpoint_id}"


def _named_assignee(event: EventData) -> str | None:
    match event:
        case TicketAssigned():
            return event.agent_email
        case SlaAtRisk():
            return event.assignee_email
    return None


def _named_leads(event: EventData) -> list[str]:
    """The team leads an event names itself (a report names all it is for)."""
    match event:
        case TicketAssigned() | SlaAtRisk() | StaffingGapForecast():
            return [event.team_lead_email] if event.team_lead_email else []
        case ReportPublished():
            return list(event.recipients)
    return []


def addressed_emails(event: EventData, *, also: Sequence[str] = ()) -> list[str]:
    """Whom insights', knowledge's, approval and survey events are for, told by mail whether or
    not anyone subscribed: a gap's team lead, a report's recipients, an at-risk ticket's
    assignee, the requester a suggestion or a survey is for, the people a round of an approval
    request asks; `also` the people notify found itself (a fixed problem's requesters, a
    negatively rated ticket's team lead)."""
    found: list[str | None]
    match event:
        case StaffingGapForecast():
            found = [event.team_lead_email]
        case ReportPublished():
            found = list(event.recipients)
        case SlaAtRisk():
            found = [event.assignee_email]
        case KnowledgeSuggested():
            found = suggested_to(event)
        case TicketApprovalRequested():
            found = approvers_asked(event)
        case TicketSurveyRequested():
            found = list(surveyed(event))
        case _:
            found = []
    found += also
    return list(dict.fromkeys(a.strip().lower() for a in found if a and _EMAIL.match(a.strip())))


def addressed_routes(
    event: EventData, *, taken: Sequence[Route], also: Sequence[str] = ()
) -> list[Route]:
    """Direct mail to the people the event names that no subscription route reaches yet."""
    targets = {route.target for route in taken}
    return [
        Route(
            channel="email",
            target=email_target(address),
            endpoint_id=None,
            address=address,
            digest_seconds=None,
            subscription_id=None,
        )
        for address in addressed_emails(event, also=also)
        if email_target(address) not in targets
    ]


def role_addresses(role: Role, *, event: EventData, ticket: TicketProjection | None) -> list[str]:
    """The addresses a role stands for on this event; unknown people are simply left out."""
    created = event if isinstance(event, TicketCreated) else None
    assignee = _named_assignee(event) or (ticket.assignee_email if ticket else None)
    named: list[str | None] = list(_named_leads(event))
    leads = named or [ticket.team_lead_email if ticket else None]
    found: list[str | None]
    if role == "assignee":
        found = [assignee]
    elif role == "team_lead":
        found = list(leads)
    elif role == "requester":
        found = [
            (created.requester_email if created else None)
            or (ticket.requester_email if ticket else None)
        ]
    elif role == "watchers":
        found = list(created.watchers if created else ticket.watchers if ticket else ())
    else:
        found = []
        for target in event.targets if isinstance(event, SlaEscalated) else []:
            email = target.email or None
            if email is None and target.kind == "owner":
                email = assignee
            if email is None and target.kind == "team_lead":
                email = leads[0]
            found.append(email)
    return [a for a in found if a is not None and _EMAIL.match(a)]


def plan_routes(
    subscribed: Sequence[SubscribedTarget],
    *,
    facts: EventFacts,
    event: EventData,
    ticket: TicketProjection | None,
) -> list[Route]:
    """One route per distinct target: direct if any matching subscription wants every event,
    else a digest over the shortest window asked for (digests need a team to group by)."""
    routes: dict[str, Route] = {}
    for item in subscribed:
        sub = item.subscription
        if not sub.enabled or not matches(sub, facts):
            continue
        digest = sub.digest_seconds if facts.team is not None else None
        for route in _routes_of(item, facts=facts, event=event, ticket=ticket, digest=digest):
            routes[route.target] = _merge(routes.get(route.target), route)
    return list(routes.values())


def _routes_of(
    item: SubscribedTarget,
    *,
    facts: EventFacts,
    event: EventData,
    ticket: TicketProjection | None,
    digest: int | None,
) -> list[Route]:
    sub, target = item.subscription, item.subscription.target
    if isinstance(target, EndpointTarget):
        if item.endpoint_kind is None:
            return []
        channel: Channel = item.endpoint_kind
        return [
            Route(
                channel=channel,
                target=endpoint_target(target.endpoint_id),
                endpoint_id=target.endpoint_id,
                address=None,
                digest_seconds=digest if channel == "chat" else None,
                subscription_id=sub.id,
            )
        ]
    if isinstance(target, EmailTarget):
        addresses = [target.address]
    else:
        assert isinstance(target, RoleTarget)
        addresses = role_addresses(target.role, event=event, ticket=ticket)
    return [
        Route(
            channel="email",
            target=email_target(a),
            endpoint_id=None,
            address=a.strip().lower(),
            digest_seconds=digest,
            subscription_id=sub.id,
        )
        for a in addresses
    ]


def _merge(existing: Route | None, new: Route) -> Route:
    if existing is None:
        return new
    if existing.digest_seconds is None or new.digest_seconds is None:
        return existing if existing.digest_seconds is None else new
    return existing if existing.digest_seconds <= new.digest_seconds else new
