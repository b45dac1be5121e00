"""A routing decision is recorded as its event says: kind, owner, strategy, reason, detail."""

import uuid
from datetime import UTC, datetime

from ticketflow_common.events import TicketAssigned, TicketQueued, TicketUnassigned
from ticketflow_routing.domain.decisions import decision_of

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
TICKET = uuid.uuid4()
AGENT = uuid.uuid4()


def test_an_assignment_records_its_explanation_and_counts_its_reason() -> None:
    event = TicketAssigned(
        ticket_id=TICKET,
        agent_id=AGENT,
        agent_name="Ann",
        team="net",
        assigned_at=NOW,
        strategy="skills_load",
        reason="new",
        agent_email="ann@example.com",
    )
    decision = decision_of(event)
    assert (decision.ticket_id, decision.kind, decision.agent_id) == (TICKET, "assigned", AGENT)
    assert (decision.strategy, decision.reason, decision.counted_reason) == (
        "skills_load",
        "new",
        "new",
    )
    assert decision.detail == {
        "team": "net",
        "previous_agent_id": None,
        "score": None,
        "alternatives": [],
        "exclusions": [],
    }


def test_a_queued_ticket_records_its_place_and_counts_as_no_candidate() -> None:
    event = TicketQueued(
        ticket_id=TICKET,
        required_skills=["vpn"],
        reason="no eligible agent with spare capacity",
        queued_at=NOW,
        team="net",
        priority="high",
        position=2,
    )
    decision = decision_of(event)
    assert (decision.kind, decision.agent_id, decision.strategy) == ("queued", None, None)
    assert decision.reason == "no eligible agent with spare capacity"
    assert decision.counted_reason == "no_candidate"
    assert decision.detail == {
        "position": 2,
        "team": "net",
        "exclusions": [],
        "reason": "no eligible agent with spare capacity",
    }


def test_an_unassignment_records_only_its_reason() -> None:
    event = TicketUnassigned(
        ticket_id=TICKET, agent_id=AGENT, team="net", reason="manual", unassigned_at=NOW
    )
    decision = decision_of(event)
    assert (decision.kind, decision.agent_id, decision.strategy) == ("unassigned", AGENT, None)
    assert (decision.reason, decision.counted_reason) == ("manual", "manual")
    assert decision.detail == {"reason": "manual"}
