"""Subscription matching and who an event reaches: pure rules, no I/O."""

import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ticketflow_common.events import (
    EscalationTarget,
    SlaBreached,
    SlaEscalated,
    SlaWarning,
    TicketAssigned,
    TicketTransferred,
)
from ticketflow_notify.domain.subscriptions import (
    EventFacts,
    Subscription,
    SubscriptionFilter,
    matches,
)
from ticketflow_notify.domain.targets import (
    SubscribedTarget,
    facts_of,
    plan_routes,
    role_addresses,
)
from ticketflow_notify.domain.tickets import TicketProjection

TYPES = ["ticket.created", "ticket.assigned", "sla.warning", "sla.breached", "sla.escalated"]
TEAMS = ["network", "billing", None]
PRIORITIES = ["low", "normal", "high", "urgent", None]

facts_strategy = st.builds(
    EventFacts,
    event_type=st.sampled_from(TYPES),
    team=st.sampled_from(TEAMS),
    priority=st.sampled_from(PRIORITIES),
    policy=st.sampled_from(["urgent", "standard", None]),
    escalation_level=st.one_of(st.none(), st.integers(1, 5)),
)


@given(facts=facts_strategy)
def test_an_empty_filter_matches_every_event(facts: EventFacts) -> None:
    assert matches(SubscriptionFilter(), facts)


@given(facts=facts_strategy, types=st.lists(st.sampled_from(TYPES), min_size=1, unique=True))
def test_each_filter_only_narrows(facts: EventFacts, types: list[str]) -> None:
    narrowed = SubscriptionFilter(event_types=types)
    assert matches(narrowed, facts) == (facts.event_type in types)
    teams = SubscriptionFilter(event_types=types, teams=["network"])
    assert matches(teams, facts) <= matches(narrowed, facts)


@given(facts=facts_strategy, level=st.integers(1, 5))
def test_min_escalation_level_needs_a_level_at_least_that_high(
    facts: EventFacts, level: int
) -> None:
    rule = SubscriptionFilter(min_escalation_level=level)
    expected = facts.escalation_level is not None and facts.escalation_level >= level
    assert matches(rule, facts) == expected


TICKET = TicketProjection(
    ticket_id=uuid.uuid4(),
    subject="VPN drops",
    priority="high",
    team="network",
    requester_email="ada@example.com",
    watchers=("watcher@example.com", "team-network"),
    assignee_email="grace@example.com",
    team_lead_email="lead@example.com",
)


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SLA_FACTS: dict[str, Any] = {
    "ticket_id": TICKET.ticket_id,
    "clock_id": uuid.uuid4(),
    "metric": "resolution",
    "policy": "p",
    "due_at": NOW,
    "fired_at": NOW,
}


def escalated(level: int = 1, targets: list[EscalationTarget] | None = None) -> SlaEscalated:
    """An escalation that names neither team nor priority: the projection fills them in."""
    return SlaEscalated(**SLA_FACTS, level=level, targets=targets or [])


def breached() -> SlaBreached:
    return SlaBreached(**SLA_FACTS)


REQUESTER = ("ada@example.com",)


def warned() -> SlaWarning:
    return SlaWarning(**SLA_FACTS, threshold="75%")


def test_the_event_wins_over_the_projection_and_fills_its_gaps() -> None:
    facts = facts_of(escalated(level=2), ticket=TICKET)
    assert facts == EventFacts("sla.escalated", "network", "high", "p", 2, requesters=REQUESTER)
    transfer = TicketTransferred(
        ticket_id=TICKET.ticket_id,
        priority="high",
        team="billing",
        required_skills=[],
        requester_id="u-1",
        from_team="network",
        reason="wrong team",
        actor_id="a-1",
        transferred_at=NOW,
    )
    moved = facts_of(transfer, ticket=TICKET)
    assert (moved.team, moved.escalation_level) == ("billing", None)


def test_roles_resolve_from_the_event_first_then_the_ticket() -> None:
    def of(role: Any, event: Any) -> list[str]:
        return role_addresses(role, event=event, ticket=TICKET)

    assignment = TicketAssigned(
        ticket_id=TICKET.ticket_id,
        agent_id=uuid.uuid4(),
        agent_name="New",
        team="network",
        assigned_at=NOW,
        agent_email="new@example.com",
        team_lead_email="boss@example.com",
    )
    assert of("assignee", assignment) == ["new@example.com"]
    assert of("team_lead", assignment) == ["boss@example.com"]
    assert of("assignee", breached()) == ["grace@example.com"]
    assert of("requester", breached()) == ["ada@example.com"]
    assert of("watchers", breached()) == ["watcher@example.com"]
    targets = [
        EscalationTarget(kind="owner"),
        EscalationTarget(kind="team_lead"),
        EscalationTarget(kind="person", email="manager@example.com"),
        EscalationTarget(kind="group", id="oncall"),
    ]
    assert of("escalation_targets", escalated(targets=targets)) == [
        "grace@example.com",
        "lead@example.com",
        "manager@example.com",
    ]
    assert role_addresses("assignee", event=breached(), ticket=None) == []


def subscription(target: dict[str, Any], **fields: Any) -> Subscription:
    return Subscription.model_validate(
        {"id": uuid.uuid4(), "created_at": datetime.now(UTC), "target": target, **fields}
    )


def test_one_route_per_target_and_direct_beats_digest() -> None:
    endpoint = uuid.uuid4()
    subscribed = [
        SubscribedTarget(subscription({"kind": "role", "role": "team_lead"}, digest_seconds=600)),
        SubscribedTarget(subscription({"kind": "email", "address": "LEAD@example.com"})),
        SubscribedTarget(subscription({"kind": "role", "role": "assignee"}, digest_seconds=900)),
        SubscribedTarget(subscription({"kind": "role", "role": "assignee"}, digest_seconds=300)),
        SubscribedTarget(
            subscription({"kind": "endpoint", "endpoint_id": str(endpoint)}), endpoint_kind="chat"
        ),
        SubscribedTarget(
            subscription({"kind": "email", "address": "x@example.com"}, teams=["billing"])
        ),
    ]
    facts = facts_of(warned(), ticket=TICKET)
    planned = plan_routes(subscribed, facts=facts, event=warned(), ticket=TICKET)
    routes = {r.target: r for r in planned}
    assert set(routes) == {
        "email:lead@example.com",
        "email:grace@example.com",
        f"endpoint:{endpoint}",
    }
    assert routes["email:lead@example.com"].digest_seconds is None
    assert routes["email:grace@example.com"].digest_seconds == 300
    assert routes[f"endpoint:{endpoint}"].channel == "chat"


def test_webhooks_and_teamless_events_are_never_digested() -> None:
    endpoint = uuid.uuid4()
    webhook = SubscribedTarget(
        subscription({"kind": "endpoint", "endpoint_id": str(endpoint)}, digest_seconds=60),
        endpoint_kind="webhook",
    )
    mail = SubscribedTarget(
        subscription({"kind": "email", "address": "a@example.com"}, digest_seconds=60)
    )
    facts = facts_of(warned(), ticket=None)
    routes = plan_routes([webhook, mail], facts=facts, event=warned(), ticket=None)
    assert [r.digest_seconds for r in routes] == [None, None]
