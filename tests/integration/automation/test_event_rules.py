"""Event rules on the real Postgres: a matching ticket fires its rule once (with why and the
rendered actions in `rule.fired`), a non-matching one does not, and rule changes reach the cache."""

import uuid

import pytest

from tests.integration.automation.conftest import AutomationHarness
from ticketflow_common.events import AgentStatusChanged, TicketStatusChanged, TicketUpdated

pytestmark = pytest.mark.integration

PRINTER_RULE = {
    "name": "紧急打印机",
    "on": ["ticket.created"],
    "when": {
        "all": [
            {"field": "ticket.subject", "op": "contains_text", "value": "打印机"},
            {"field": "ticket.priority", "op": "in", "value": ["normal", "high"]},
        ]
    },
    "actions": [
        {"type": "set_priority", "priority": "urgent"},
        {"type": "add_note", "body": "规则「{{ rule.name }}」: {{ ticket.subject }}"},
        {
            "type": "notify",
            "target": "team_lead",
            "subject": "打印机: {{ ticket.subject }}",
            "message": "优先级 {{ ticket.priority }}",
        },
    ],
}


async def test_a_chinese_subject_fires_the_rule_with_why_and_rendered_actions(
    automation: AutomationHarness,
) -> None:
    rule = await automation.add_rule(PRINTER_RULE)
    created = automation.created(subject="三楼打印机卡纸")
    assert await automation.deliver(created) == "processed"

    [fired] = await automation.events("rule.fired", created.ticket_id)
    assert fired["rule_id"] == str(rule.rule_id)
    assert fired["rule_name"] == "紧急打印机"
    assert fired["trigger"] == "event"
    assert fired["trigger_event_type"] == "ticket.created"
    assert fired["why"] == [
        "ticket.subject contains 打印机",
        "ticket.priority is one of normal, high",
    ]
    assert fired["actions"] == [
        {"type": "set_priority", "priority": "urgent"},
        {"type": "add_note", "body": "规则「紧急打印机」: 三楼打印机卡纸"},
        {
            "type": "notify",
            "target": "team_lead",
            "subject": "打印机: 三楼打印机卡纸",
            "message": "优先级 normal",
        },
    ]
    assert fired["caused_by"] == {
        "kind": "rule",
        "firing_id": fired["firing_id"],
        "rule_id": str(rule.rule_id),
        "macro_id": None,
        "depth": 1,
    }
    [firing] = await automation.firings(ticket_id=created.ticket_id)
    assert str(firing["firing_id"]) == fired["firing_id"]
    assert firing["why"] == fired["why"]
    state = await automation.state(created.ticket_id)
    assert state is not None
    assert state["subject"] == "三楼打印机卡纸"
    history = await automation.fetchval(
        "SELECT count(*) FROM event_history WHERE ticket_id = $1", created.ticket_id
    )
    assert history == 1


async def test_a_ticket_that_does_not_match_fires_nothing(automation: AutomationHarness) -> None:
    await automation.add_rule(PRINTER_RULE)
    other = automation.created(subject="VPN 连不上")
    urgent = automation.created(subject="打印机坏了", priority="urgent")
    await automation.deliver(other)
    await automation.deliver(urgent)
    assert await automation.events("rule.fired") == []
    assert await automation.firings() == []


async def test_an_event_of_another_type_does_not_fire_the_rule(
    automation: AutomationHarness,
) -> None:
    await automation.add_rule(PRINTER_RULE)
    created = automation.created(subject="打印机坏了", priority="urgent")
    await automation.deliver(created)
    updated = TicketUpdated(
        **automation.facts(created, priority="normal"),
        changed=["priority"],
        actor_id="agent-李",
        updated_at=automation.clock(),
    )
    await automation.deliver(updated)
    assert await automation.events("rule.fired") == []


async def test_a_redelivered_event_fires_nothing_twice(automation: AutomationHarness) -> None:
    await automation.add_rule(PRINTER_RULE)
    created = automation.created()
    envelope = automation.envelope(created)
    assert await automation.deliver(envelope) == "processed"
    assert await automation.deliver(envelope) == "duplicate"
    assert len(await automation.events("rule.fired")) == 1
    assert len(await automation.firings()) == 1


async def test_a_rule_change_reaches_the_cache(automation: AutomationHarness) -> None:
    rule = await automation.add_rule(PRINTER_RULE)
    first = automation.created(subject="打印机卡纸")
    await automation.deliver(first)
    assert len(await automation.events("rule.fired", first.ticket_id)) == 1

    await automation.change_rule(
        rule, when={"field": "ticket.subject", "op": "contains_text", "value": "投影仪"}
    )
    printer = automation.created(subject="打印机又卡纸")
    projector = automation.created(subject="会议室投影仪没有信号")
    await automation.deliver(printer)
    await automation.deliver(projector)
    assert await automation.events("rule.fired", printer.ticket_id) == []
    [fired] = await automation.events("rule.fired", projector.ticket_id)
    assert fired["why"] == ["ticket.subject contains 投影仪"]
    assert fired["rule_version"] == 2

    await automation.change_rule(rule, enabled=False)
    late = automation.created(subject="投影仪坏了")
    await automation.deliver(late)
    assert await automation.events("rule.fired", late.ticket_id) == []


async def test_a_status_rule_says_what_changed(automation: AutomationHarness) -> None:
    await automation.add_rule(
        {
            "name": "重新打开",
            "on": ["ticket.status_changed"],
            "when": {"field": "ticket.status", "op": "changed", "value": "open"},
            "actions": [{"type": "add_tags", "tags": ["reopened"]}],
        }
    )
    created = automation.created()
    await automation.deliver(created)
    moved = TicketStatusChanged(
        **automation.facts(created, status="open"),
        previous_status="new",
        actor_id="agent-李",
        actor_role="agent",
        changed_at=automation.clock(),
    )
    await automation.deliver(moved)
    [fired] = await automation.events("rule.fired", created.ticket_id)
    assert fired["why"] == ["ticket.status changed from new to open"]
    state = await automation.state(created.ticket_id)
    assert state is not None
    assert state["status"] == "open"
    assert state["status_entered_at"] is not None


async def test_an_event_naming_no_ticket_changes_nothing(automation: AutomationHarness) -> None:
    await automation.add_rule({**PRINTER_RULE, "on": ["*"], "when": None})

    changed = AgentStatusChanged(
        agent_id=uuid.uuid4(),
        team="network",
        previous_status="online",
        status="away",
        changed_at=automation.clock(),
    )
    assert await automation.deliver(changed) == "processed"
    assert await automation.events("rule.fired") == []
    assert await automation.fetchval("SELECT count(*) FROM tickets") == 0
