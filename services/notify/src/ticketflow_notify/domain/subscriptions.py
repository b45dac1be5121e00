"""Subscriptions: which events (type, team, priority, policy, escalation level) go where."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from ticketflow_common.events import Priority
from ticketflow_common.input_model import InputModel
from ticketflow_notify.domain.endpoints import EmailAddress, EventTypePattern
from ticketflow_notify.domain.ticket_filters import Name, TicketFilter

Role = Literal["assignee", "team_lead", "escalation_targets", "watchers", "requester"]


class EndpointTarget(InputModel):
    kind: Literal["endpoint"] = "endpoint"
    endpoint_id: UUID


class EmailTarget(InputModel):
    kind: Literal["email"] = "email"
    address: EmailAddress


class RoleTarget(InputModel):
    """People resolved from the event and notify's own ticket projection."""

    kind: Literal["role"] = "role"
    role: Role


Target = Annotated[EndpointTarget | EmailTarget | RoleTarget, Field(discriminator="kind")]


class SubscriptionFilter(TicketFilter):
    """Empty lists match everything; a non-empty one needs the event's value to be in it (for
    tags: one of the ticket's tags; for event types: a type or pattern such as `sla.*`)."""

    event_types: list[EventTypePattern] = Field(
        default_factory=list, max_length=50, description="Types or patterns: `sla.*`, `*`."
    )
    teams: list[Name] = Field(default_factory=list, max_length=100)
    priorities: list[Priority] = Field(default_factory=list, max_length=4)
    policies: list[Name] = Field(default_factory=list, max_length=100)
    min_escalation_level: int | None = Field(
        default=None, ge=1, le=20, description="Only escalations at this level or above."
    )


class NewSubscription(SubscriptionFilter):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "description": "team leads hear about network escalations",
                    "event_types": ["sla.escalated"],
                    "teams": ["network"],
                    "min_escalation_level": 2,
                    "target": {"kind": "role", "role": "team_lead"},
                },
                {
                    "description": "one warning digest per 10 minutes for the network lead",
                    "event_types": ["sla.warning"],
                    "teams": ["network"],
                    "target": {"kind": "email", "address": "lead@example.com"},
                    "digest_seconds": 600,
                },
            ]
        },
    )

    description: str = Field(default="", max_length=500)
    target: Target
    digest_seconds: int | None = Field(
        default=None,
        ge=10,
        le=86_400,
        description="Group this subscription's events per team into one message per window"
        " (email and chat targets only).",
    )
    enabled: bool = True


class Subscription(NewSubscription):
    id: UUID
    created_at: datetime


@dataclass(frozen=True)
class EventFacts:
    """What subscriptions filter on, taken from the event and, where it is silent, the ticket."""

    event_type: str
    team: str | None
    priority: str | None
    policy: str | None
    escalation_level: int | None
    category: str | None = None
    tags: tuple[str, ...] = ()
    tier: str | None = None
    requesters: tuple[str, ...] = ()


def type_matches(pattern: str, event_type: str) -> bool:
    """`*` matches every type, `sla.*` every `sla.` type, anything else only itself."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


def _requester_matches(wanted: list[str], requesters: tuple[str, ...]) -> bool:
    known = {r.casefold() for r in requesters}
    return any(w.casefold() in known for w in wanted)


def matches(rule: SubscriptionFilter, facts: EventFacts) -> bool:
    if rule.event_types and not any(type_matches(p, facts.event_type) for p in rule.event_types):
        return False
    if rule.categories and facts.category not in rule.categories:
        return False
    if rule.tags and not set(rule.tags) & set(facts.tags):
        return False
    if rule.tiers and facts.tier not in rule.tiers:
        return False
    if rule.requesters and not _requester_matches(rule.requesters, facts.requesters):
        return False
    if rule.teams and facts.team not in rule.teams:
        return False
    if rule.priorities and facts.priority not in rule.priorities:
        return False
    if rule.policies and facts.policy not in rule.policies:
        return False
    if rule.min_escalation_level is not None:
        level = facts.escalation_level
        return level is not None and level >= rule.min_escalation_level
    return True
