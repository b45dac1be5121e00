"""What automation keeps of a ticket: one state however its first events race (two topics),
stale versions ignored, every event naming the ticket kept for dry runs."""

import asyncio
import uuid

import pytest

from tests.integration.automation.conftest import AutomationHarness
from ticketflow_common.events import TicketAssigned, TicketUpdated

pytestmark = pytest.mark.integration


async def test_first_events_from_two_topics_apply_one_after_the_other(
    automation: AutomationHarness,
) -> None:
    agent = uuid.uuid4()
    pairs = []
    for _ in range(10):
        created = automation.created(subject="显示器闪烁")
        assigned = TicketAssigned(
            ticket_id=created.ticket_id,
            agent_id=agent,
            agent_name="王芳",
            team="desk",
            assigned_at=automation.clock(),
        )
        pairs.append((created, assigned))
    await asyncio.gather(*(automation.deliver(event) for pair in pairs for event in pair))
    for created, _ in pairs:
        state = await automation.state(created.ticket_id)
        assert state is not None
        assert state["subject"] == "显示器闪烁"
        assert state["assignee_id"] == str(agent)
        assert state["team"] == "desk"


async def test_a_stale_version_changes_nothing_and_fires_nothing(
    automation: AutomationHarness,
) -> None:
    await automation.add_rule(
        {
            "name": "低优先级提醒",
            "on": ["ticket.updated"],
            "when": {"field": "ticket.priority", "value": "low"},
            "actions": [{"type": "add_tags", "tags": ["low"]}],
        }
    )
    created = automation.created()
    await automation.deliver(created)
    old = TicketUpdated(
        **automation.facts(created, priority="low"),
        changed=["priority"],
        actor_id="agent-李",
        updated_at=automation.clock(),
    )
    new = TicketUpdated(
        **automation.facts(created, priority="high"),
        changed=["priority"],
        actor_id="agent-李",
        updated_at=automation.clock(),
    )
    await automation.deliver(new)
    await automation.deliver(old)  # arrives late
    state = await automation.state(created.ticket_id)
    assert state is not None
    assert state["priority"] == "high"
    assert state["version"] == 3
    assert await automation.events("rule.fired") == []
    kept = await automation.fetchval(
        "SELECT count(*) FROM event_history WHERE ticket_id = $1", created.ticket_id
    )
    assert kept == 3
