"""Wildcard type patterns and the ticket filters (category, tags, tier, requester): pure."""

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ticketflow_common.events import SlaBreached, TicketCreated
from ticketflow_notify.domain.subscriptions import (
    EventFacts,
    SubscriptionFilter,
    matches,
    type_matches,
)
from ticketflow_notify.domain.targets import facts_of
from ticketflow_notify.domain.tickets import TicketProjection

TYPES = ["ticket.created", "ticket.assigned", "sla.warning", "sla.breached", "sla_x.warning"]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def facts(**kwargs: object) -> EventFacts:
    base: dict[str, object] = {
        "event_type": "sla.breached",
        "team": None,
        "priority": None,
        "policy": None,
        "escalation_level": None,
    }
    return EventFacts(**(base | kwargs))  # type: ignore[arg-type]


@given(event_type=st.sampled_from(TYPES))
def test_star_matches_every_type_and_a_family_only_its_own(event_type: str) -> None:
    assert type_matches("*", event_type)
    assert type_matches("sla.*", event_type) == event_type.startswith("sla.")
    assert type_matches(event_type, event_type)


def test_a_family_pattern_does_not_reach_a_longer_family() -> None:
    assert not type_matches("sla.*", "sla_x.warning")
    assert matches(SubscriptionFilter(event_types=["sla.*"]), facts(event_type="sla.warning"))
    assert not matches(SubscriptionFilter(event_types=["sla.*"]), facts(event_type="ticket.x"))


@pytest.mark.parametrize("bad", ["sla*", "*.breached", "sla.**", "SLA.*", "", "sla.", ".*"])
def test_bad_type_patterns_are_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as refused:
        SubscriptionFilter(event_types=[bad])
    assert refused.value.errors()[0]["loc"][0] == "event_types"


@pytest.mark.parametrize("field", ["categories", "tags", "tiers", "requesters"])
def test_empty_or_overlong_ticket_filters_are_refused_naming_the_field(field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        SubscriptionFilter.model_validate({field: [""]})
    assert refused.value.errors()[0]["loc"][0] == field


def test_ticket_filters_need_the_ticket_to_have_the_value() -> None:
    ticket = facts(category="network", tags=("vpn", "urgent"), tier="vip", requesters=("u-1",))
    assert matches(SubscriptionFilter(categories=["network", "billing"]), ticket)
    assert not matches(SubscriptionFilter(categories=["billing"]), ticket)
    assert matches(SubscriptionFilter(tags=["vpn"]), ticket)
    assert not matches(SubscriptionFilter(tags=["printer"]), ticket)
    assert matches(SubscriptionFilter(tiers=["vip"]), ticket)
    assert not matches(SubscriptionFilter(tiers=["standard"]), ticket)
    assert matches(SubscriptionFilter(requesters=["U-1"]), ticket)
    assert not matches(SubscriptionFilter(requesters=["u-2"]), ticket)
    assert not matches(SubscriptionFilter(categories=["network"]), facts())


def test_facts_come_from_the_event_and_else_from_the_projection() -> None:
    ticket_id = uuid.uuid4()
    created = TicketCreated(
        ticket_id=ticket_id,
        priority="high",
        category="network",
        required_skills=[],
        requester_id="u-1",
        requester_tier="vip",
        requester_email="Ada@example.com",
        subject="VPN 断开",
        tags=["vpn"],
        created_at=NOW,
    )
    told = facts_of(created, ticket=None)
    assert (told.category, told.tags, told.tier) == ("network", ("vpn",), "vip")
    assert matches(SubscriptionFilter(requesters=["ada@example.com"]), told)
    projection = TicketProjection(
        ticket_id=ticket_id,
        category="network",
        tags=("vpn",),
        requester_id="u-1",
        requester_tier="vip",
        requester_email="ada@example.com",
    )
    breached = SlaBreached(
        ticket_id=ticket_id,
        clock_id=uuid.uuid4(),
        metric="resolution",
        policy="p",
        due_at=NOW,
        fired_at=NOW,
    )
    later = facts_of(breached, ticket=projection)
    assert (later.category, later.tags, later.tier) == ("network", ("vpn",), "vip")
    assert set(later.requesters) == {"u-1", "ada@example.com"}
