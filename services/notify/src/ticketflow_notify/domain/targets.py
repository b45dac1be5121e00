"""Who hears about an event: subscriptions matched, roles resolved to addresses, deduplicated."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ticketflow_notify.domain.deliveries import Channel
from ticketflow_notify.domain.endpoints import EndpointKind
from ticketflow_notify.domain.subscriptions import (
    EmailTarget,
    EndpointTarget,
    EventFacts,
    Role,
    RoleTarget,
    Subscription,
    matches,
)

ESCALATION_TYPES = frozenset({"sla.escalated", "ticket.escalated"})
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


@dataclass(frozen=True)
class TicketView:
    """Notify's projection of one ticket, kept from ticket and routing events."""

    ticket_id: UUID
    subject: str | None = None
    status: str | None = None
    priority: str | None = None
    team: str | None = None
    language: str | None = None
    requester_email: str | None = None
    watchers: tuple[str, ...] = ()
    assignee_email: str | None = None
    team_lead_email: str | None = None


@dataclass(frozen=True)
class SubscribedTarget:
    subscription: Subscription
    endpoint_kind: EndpointKind | None = None


@dataclass(frozen=True)
class Route:
    """One target to tell; `digest_seconds` set when the event waits for a digest instead."""

    channel: Channel
    target: str
    endpoint_id: UUID | None
    address: str | None
    digest_seconds: int | None
    subscription_id: UUID


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def facts_of(*, event_type: str, data: Mapping[str, Any], ticket: TicketView | None) -> EventFacts:
    level = data.get("level")
    return EventFacts(
        event_type=event_type,
        team=_text(data, "team") or (ticket.team if ticket else None),
        priority=_text(data, "priority") or (ticket.priority if ticket else None),
        policy=_text(data, "policy"),
        escalation_level=level
        if event_type in ESCALATION_TYPES and isinstance(level, int)
        else None,
    )


def email_target(address: str) -> str:
    return f"email:{address.strip().lower()}"


def endpoint_target(endpoint_id: UUID) -> str:
    return f"endpoint:{endpoint_id}"


def role_addresses(
    role: Role, *, event_type: str, data: Mapping[str, Any], ticket: TicketView | None
) -> list[str]:
    """The addresses a role stands for on this event; unknown people are simply left out."""
    assignee = _text(data, "agent_email") if event_type == "ticket.assigned" else None
    assignee = assignee or (ticket.assignee_email if ticket else None)
    lead = _text(data, "team_lead_email") if event_type == "ticket.assigned" else None
    lead = lead or (ticket.team_lead_email if ticket else None)
    found: list[str | None]
    if role == "assignee":
        found = [assignee]
    elif role == "team_lead":
        found = [lead]
    elif role == "requester":
        found = [_text(data, "requester_email") or (ticket.requester_email if ticket else None)]
    elif role == "watchers":
        watchers = data.get("watchers")
        listed = watchers if isinstance(watchers, list) else list(ticket.watchers if ticket else ())
        found = [w for w in listed if isinstance(w, str)]
    else:
        found = []
        targets = data.get("targets")
        for target in targets if isinstance(targets, list) else []:
            if not isinstance(target, dict):
                continue
            email = _text(target, "email")
            if email is None and target.get("kind") == "owner":
                email = assignee
            if email is None and target.get("kind") == "team_lead":
                email = lead
            found.append(email)
    return [a for a in found if a is not None and _EMAIL.match(a)]


def plan_routes(
    subscribed: Sequence[SubscribedTarget],
    *,
    facts: EventFacts,
    data: Mapping[str, Any],
    ticket: TicketView | None,
) -> list[Route]:
    """One route per distinct target: direct if any matching subscription wants every event,
    else a digest over the shortest window asked for (digests need a team to group by)."""
    routes: dict[str, Route] = {}
    for item in subscribed:
        sub = item.subscription
        if not sub.enabled or not matches(sub, facts):
            continue
        digest = sub.digest_seconds if facts.team is not None else None
        for route in _routes_of(item, facts=facts, data=data, ticket=ticket, digest=digest):
            routes[route.target] = _merge(routes.get(route.target), route)
    return list(routes.values())


def _routes_of(
    item: SubscribedTarget,
    *,
    facts: EventFacts,
    data: Mapping[str, Any],
    ticket: TicketView | None,
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
        addresses = role_addresses(
            target.role, event_type=facts.event_type, data=data, ticket=ticket
        )
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
