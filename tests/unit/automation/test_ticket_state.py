"""What automation learns of a ticket from each event (`apply_event`, pure)."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ticketflow_automation.domain.ticket_state import TicketState, apply_event
from ticketflow_common.events import (
    SlaBreached,
    TicketAssigned,
    TicketCommented,
    TicketCreated,
    TicketQueued,
    TicketStatusChanged,
    TicketUnassigned,
    TicketUpdated,
)

T0 = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
TICKET = uuid.uuid4()
AGENT = uuid.uuid4()
FACTS: dict[str, Any] = {
    "ticket_id": TICKET,
    "priority": "normal",
    "required_skills": [],
    "requester_id": "u-张伟",
}


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def apply(state: TicketState | None, event: Any, minutes: float) -> TicketState:
    after = apply_event(
        state, event_type=event.event_type, data=event.model_dump(mode="json"), at=at(minutes)
    )
    assert after is not None
    return after


def created(**extra: Any) -> TicketCreated:
    values = {
        **FACTS,
        "subject": "打印机卡纸",
        "description": "三楼",
        "tags": ["hardware"],
        "amount": Decimal("5200.50"),
        "created_at": T0,
        **extra,
    }
    return TicketCreated(**values)


def test_creation_sets_the_facts_and_the_instants() -> None:
    state = apply(None, created(), 0)
    assert state.ticket_id == TICKET
    assert state.subject == "打印机卡纸"
    assert state.description == "三楼"
    assert state.tags == ["hardware"]
    assert state.amount == Decimal("5200.50")
    assert state.version == 1
    assert state.created_at == T0
    assert state.status_entered_at == T0
    assert state.last_update_at == T0
    assert state.last_requester_message_at == T0
    assert state.unassigned_since == T0
    assert state.assignee_id is None


def test_a_status_change_moves_status_entered_at_and_another_update_does_not() -> None:
    state = apply(None, created(), 0)
    moved = TicketStatusChanged(
        **{**FACTS, "status": "open", "version": 2},
        previous_status="new",
        actor_id="a",
        actor_role="agent",
        changed_at=at(5),
    )
    state = apply(state, moved, 5)
    assert state.status == "open"
    assert state.status_entered_at == at(5)
    updated = TicketUpdated(
        **{**FACTS, "status": "open", "priority": "high", "version": 3, "tags": ["vip"]},
        changed=["priority", "tags"],
        actor_id="a",
        updated_at=at(9),
    )
    state = apply(state, updated, 9)
    assert state.priority == "high"
    assert state.tags == ["vip"]
    assert state.status_entered_at == at(5)
    assert state.last_update_at == at(9)
    assert state.subject == "打印机卡纸"  # not told by the update: kept


def comment(role: str, *, public: bool, version: int) -> TicketCommented:
    return TicketCommented(
        **{**FACTS, "version": version},
        comment_id=uuid.uuid4(),
        author_id="x",
        author_role=role,
        public=public,
        first_response=False,
        commented_at=T0,
    )


def test_comments_set_the_last_requester_message_or_agent_reply() -> None:
    state = apply(None, created(), 0)
    state = apply(state, comment("agent", public=False, version=2), 3)
    assert state.last_agent_reply_at is None  # an internal note is no reply
    state = apply(state, comment("agent", public=True, version=3), 4)
    assert state.last_agent_reply_at == at(4)
    state = apply(state, comment("requester", public=True, version=4), 7)
    assert state.last_requester_message_at == at(7)
    assert state.last_agent_reply_at == at(4)


def test_routing_sets_the_owner_and_unassigned_since() -> None:
    state = apply(None, created(), 0)
    assigned = TicketAssigned(
        ticket_id=TICKET, agent_id=AGENT, agent_name="李娜", team="network", assigned_at=at(2)
    )
    state = apply(state, assigned, 2)
    assert state.assignee_id == AGENT
    assert state.team == "network"
    assert state.unassigned_since is None
    unassigned = TicketUnassigned(
        ticket_id=TICKET, agent_id=AGENT, reason="agent_away", unassigned_at=at(6)
    )
    state = apply(state, unassigned, 6)
    assert state.assignee_id is None
    assert state.unassigned_since == at(6)
    queued = TicketQueued(ticket_id=TICKET, required_skills=[], reason="no agent", queued_at=at(7))
    state = apply(state, queued, 7)
    assert state.unassigned_since == at(6)  # still the moment it lost its owner


def test_an_assignment_seen_before_the_creation_is_kept() -> None:
    assigned = TicketAssigned(
        ticket_id=TICKET, agent_id=AGENT, agent_name="李娜", team="network", assigned_at=at(1)
    )
    state = apply(None, assigned, 1)
    state = apply(state, created(), 0)
    assert state.assignee_id == AGENT
    assert state.subject == "打印机卡纸"


def test_a_breach_marks_the_ticket() -> None:
    state = apply(None, created(), 0)
    breach = SlaBreached(
        ticket_id=TICKET,
        clock_id=uuid.uuid4(),
        metric="first_response",
        policy="standard",
        due_at=at(30),
        fired_at=at(30),
    )
    state = apply(state, breach, 30)
    assert state.sla_breached
    assert state.last_update_at == T0  # an SLA event is not a change of the ticket


def test_an_event_naming_no_ticket_changes_nothing() -> None:
    state = apply(None, created(), 0)
    assert apply_event(state, event_type="agent.status_changed", data={}, at=at(1)) is state
    assert apply_event(None, event_type="agent.status_changed", data={}, at=at(1)) is None


@settings(max_examples=100, deadline=None)
@given(versions=st.lists(st.integers(1, 20), min_size=1, max_size=12))
def test_stale_versions_change_nothing(versions: list[int]) -> None:
    """Whatever order versions arrive in, the state shows the highest one's priority."""
    priorities = ["low", "normal", "high", "urgent"]
    state = apply(None, created(version=0), 0)
    for minute, version in enumerate(versions, start=1):
        update = TicketUpdated(
            **{**FACTS, "priority": priorities[version % 4], "version": version},
            changed=["priority"],
            actor_id="a",
            updated_at=at(minute),
        )
        state = apply(state, update, minute)
    assert state.version == max(versions)
    assert state.priority == priorities[max(versions) % 4]
