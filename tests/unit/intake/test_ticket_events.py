"""The facts every ticket event carries, and the status change both its routes report."""

import uuid

from tests.support.clock import MONDAY
from tests.unit.intake.examples import ticket
from ticketflow_intake.domain.ticket_events import facts, status_changed
from ticketflow_intake.domain.tickets import Owner


def test_facts_name_the_ticket_as_consumers_project_it() -> None:
    agent = uuid.uuid4()
    owned = ticket(owner=Owner(agent_id=agent, agent_name="Grace", team="net", assigned_at=MONDAY))
    assert facts(owned) == {
        "ticket_id": owned.id,
        "status": "waiting_on_customer",
        "priority": "high",
        "category": "network",
        "team": "net",
        "channel": "web",
        "language": "de",
        "required_skills": ["vpn"],
        "requester_id": "u-1",
        "requester_tier": "gold",
        "assignee_id": agent,
        "version": 3,
        "subject": owned.subject,
        "tags": owned.tags,
        "custom_fields": owned.custom_fields,
        "escalation_level": owned.escalation_level,
    }
    assert facts(ticket())["assignee_id"] is None


def test_a_status_change_reports_the_status_before_and_the_ticket_after() -> None:
    before = ticket()
    after = ticket(id=before.id, status="open", version=4)
    event = status_changed(
        before, after, reason="the requester replied", actor_id="u-1", actor_role="requester",
        now=MONDAY,
    )  # fmt: skip
    assert (event.previous_status, event.status, event.version) == (
        "waiting_on_customer",
        "open",
        4,
    )
    assert (event.reason, event.actor_id, event.actor_role) == (
        "the requester replied",
        "u-1",
        "requester",
    )
    assert event.reopened is False
    assert event.changed_at == MONDAY
