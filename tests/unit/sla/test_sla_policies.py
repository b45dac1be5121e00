"""Policy matching, warning rules and escalation levels: pure rules."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from ticketflow_common.business_time import ALWAYS_OPEN
from ticketflow_sla.domain.escalations import EscalationPolicyUpdate
from ticketflow_sla.domain.policies import Policy, WarningRule, match_policy
from ticketflow_sla.domain.sla_clocks import SlaClock
from ticketflow_sla.domain.tickets import TicketProjection
from ticketflow_sla.domain.timers import plan_timers

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)


def policy(name: str, position: int, **fields: object) -> Policy:
    return Policy.model_validate(
        {"name": name, "position": position, "updated_at": NOW, "resolution_seconds": 60, **fields}
    )


def ticket(**fields: object) -> TicketProjection:
    return TicketProjection(ticket_id=uuid.uuid4(), **fields)  # type: ignore[arg-type]


def test_first_matching_policy_in_position_order_wins() -> None:
    policies = [
        policy("fallback", 100),
        policy("vip-network", 5, requester_tier="vip", team=["network", "vpn"]),
        policy("urgent", 10, priority="urgent"),
        policy("email-billing", 20, channel=["email"], category="billing"),
    ]
    assert match_policy(policies, ticket(priority="urgent", requester_tier="vip")).name == "urgent"  # type: ignore[union-attr]
    vip = ticket(priority="urgent", requester_tier="vip", assigned_team="vpn")
    assert match_policy(policies, vip).name == "vip-network"  # type: ignore[union-attr]
    billing = ticket(priority="low", channel="email", category="billing")
    assert match_policy(policies, billing).name == "email-billing"  # type: ignore[union-attr]
    assert match_policy(policies, ticket(priority="low")).name == "fallback"  # type: ignore[union-attr]
    assert match_policy(policies[1:], ticket(priority="low")) is None


def test_warning_rules_fire_at_a_fraction_or_minutes_before() -> None:
    assert WarningRule(fraction=0.75).business_seconds_into(600) == 450
    assert WarningRule(minutes_before=5).business_seconds_into(600) == 300
    assert WarningRule(minutes_before=15).business_seconds_into(600) is None
    assert WarningRule(minutes_before=15).label == "15m-before"
    with pytest.raises(ValidationError, match="exactly one"):
        WarningRule(fraction=0.5, minutes_before=1)


def test_escalation_levels_must_be_ordered_and_repeats_need_an_interval() -> None:
    with pytest.raises(ValidationError, match="ordered"):
        EscalationPolicyUpdate.model_validate(
            {
                "levels": [
                    {"delay_seconds": 60, "targets": [{"kind": "owner"}]},
                    {"delay_seconds": -60, "targets": [{"kind": "owner"}]},
                ]
            }
        )
    with pytest.raises(ValidationError, match="repeat_every_seconds"):
        EscalationPolicyUpdate.model_validate(
            {"levels": [{"delay_seconds": 0, "targets": [{"kind": "owner"}], "repeat": 2}]}
        )


def test_timers_already_fired_are_not_planned_again() -> None:
    sla_clock = SlaClock(
        id=uuid.uuid4(),
        ticket_id=uuid.uuid4(),
        metric="resolution",
        cycle=1,
        policy="p",
        calendar="24x7",
        target_seconds=1000,
        status="running",
        started_at=NOW,
        used_seconds=600,
        running_since=NOW,
    )
    escalation = EscalationPolicyUpdate.model_validate(
        {
            "levels": [
                {"delay_seconds": -100, "targets": [{"kind": "owner"}]},
                {
                    "delay_seconds": 60,
                    "targets": [{"kind": "team_lead"}],
                    "repeat": 3,
                    "repeat_every_seconds": 30,
                },
            ]
        }
    )
    planned = plan_timers(
        sla_clock,
        ALWAYS_OPEN,
        warnings=[WarningRule(fraction=0.5), WarningRule(fraction=0.75)],
        escalation=escalation,
        fired={("warning", "50%", 0, 0), ("escalation", "", 2, 0), ("escalation", "", 2, 1)},
    )
    assert [(t.kind, t.threshold, t.level, t.repeat, t.due_at - NOW) for t in planned] == [
        ("warning", "75%", 0, 0, timedelta(seconds=150)),
        ("breach", "", 0, 0, timedelta(seconds=400)),
        ("escalation", "", 1, 0, timedelta(seconds=300)),
        ("escalation", "", 2, 2, timedelta(seconds=400 + 60 + 60)),
    ]
