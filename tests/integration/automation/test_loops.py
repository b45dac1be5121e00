"""No loops: a rule is not triggered by its own changes, chains stop at the depth, and a rule
firing too often on one ticket is stopped and announced once per window."""

import uuid
from typing import Any

import pytest

from tests.integration.automation.conftest import AutomationHarness
from ticketflow_common.events import AutomationCause, TicketCommented, TicketCreated, TicketUpdated

pytestmark = pytest.mark.integration

ON_UPDATE = {
    "name": "优先级变了就通知",
    "on": ["ticket.updated"],
    "when": {"field": "ticket.priority", "op": "changed"},
    "actions": [{"type": "notify", "target": "owner", "message": "优先级: {{ ticket.priority }}"}],
}


def updated(
    automation: AutomationHarness,
    created: TicketCreated,
    *,
    priority: str,
    caused_by: AutomationCause | None = None,
) -> TicketUpdated:
    return TicketUpdated(
        **automation.facts(created, priority=priority),
        changed=["priority"],
        actor_id="agent-李" if caused_by is None else "automation",
        updated_at=automation.clock(),
        caused_by=caused_by,
    )


def cause(rule_id: uuid.UUID, depth: int) -> AutomationCause:
    return AutomationCause(kind="rule", firing_id=uuid.uuid4(), rule_id=rule_id, depth=depth)


async def test_a_change_made_by_the_rule_does_not_trigger_it_again(
    automation: AutomationHarness,
) -> None:
    rule = await automation.add_rule(ON_UPDATE)
    other = await automation.add_rule({**ON_UPDATE, "name": "另一条规则"})
    created = automation.created()
    await automation.deliver(created)
    await automation.deliver(updated(automation, created, priority="high"))
    first = await automation.events("rule.fired", created.ticket_id)
    assert sorted(f["rule_name"] for f in first) == sorted(["优先级变了就通知", "另一条规则"])
    assert all(f["caused_by"]["depth"] == 1 for f in first)

    own = next(f for f in first if f["rule_id"] == str(rule.rule_id))
    by_rule = AutomationCause.model_validate(own["caused_by"])
    await automation.deliver(updated(automation, created, priority="urgent", caused_by=by_rule))
    fired = await automation.events("rule.fired", created.ticket_id)
    later = fired[len(first) :]
    assert [f["rule_id"] for f in later] == [str(other.rule_id)]
    assert later[0]["caused_by"]["depth"] == 2
    assert later[0]["why"] == ["ticket.priority changed from high to urgent"]


async def test_a_chain_stops_at_the_depth_and_says_so_once(automation: AutomationHarness) -> None:
    rule = await automation.add_rule(ON_UPDATE)
    someone = uuid.uuid4()
    created = automation.created()
    await automation.deliver(created)
    await automation.deliver(
        updated(automation, created, priority="high", caused_by=cause(someone, 4))
    )
    [fired] = await automation.events("rule.fired", created.ticket_id)
    assert fired["caused_by"]["depth"] == 5  # the deepest allowed (AUTOMATION_MAX_CHAIN_DEPTH)

    for priority in ("urgent", "low"):
        await automation.deliver(
            updated(automation, created, priority=priority, caused_by=cause(someone, 5))
        )
    assert len(await automation.events("rule.fired", created.ticket_id)) == 1
    [suppressed] = await automation.events("rule.suppressed", created.ticket_id)
    assert suppressed["rule_id"] == str(rule.rule_id)
    assert suppressed["reason"] == "chain_depth"
    assert suppressed["limit"] == 5


def comment(automation: AutomationHarness, created: TicketCreated, n: int) -> TicketCommented:
    return TicketCommented(
        **automation.facts(created),
        comment_id=uuid.uuid4(),
        author_id="u-张伟",
        author_role="requester",
        public=True,
        first_response=False,
        body=f"第 {n} 次催促",
        commented_at=automation.clock(),
    )


ON_COMMENT: dict[str, Any] = {
    "name": "客户回复就提醒",
    "on": ["ticket.commented"],
    "when": {"field": "event.author_role", "op": "eq", "value": "requester"},
    "actions": [{"type": "add_note", "body": "客户又回复了"}],
}


async def test_the_firing_limit_stops_the_fourth_firing_and_announces_it_once(
    automation: AutomationHarness,
) -> None:
    rule = await automation.add_rule(ON_COMMENT)
    created = automation.created()
    await automation.deliver(created)
    for n in range(1, 4):
        automation.clock.advance(60)
        await automation.deliver(comment(automation, created, n))
    assert len(await automation.events("rule.fired", created.ticket_id)) == 3

    for n in range(4, 7):
        automation.clock.advance(60)
        await automation.deliver(comment(automation, created, n))
    assert len(await automation.events("rule.fired", created.ticket_id)) == 3
    [suppressed] = await automation.events("rule.suppressed", created.ticket_id)
    assert suppressed == {
        "ticket_id": str(created.ticket_id),
        "rule_id": str(rule.rule_id),
        "rule_name": "客户回复就提醒",
        "reason": "firing_limit",
        "limit": 3,
        "window_minutes": 60,
        "suppressed_at": suppressed["suppressed_at"],
    }
    assert len(await automation.firings(rule_id=rule.rule_id)) == 3

    # the first firing leaves the window: the rule may fire again, once
    automation.clock.advance(55 * 60)
    await automation.deliver(comment(automation, created, 7))
    assert len(await automation.events("rule.fired", created.ticket_id)) == 4
    await automation.deliver(comment(automation, created, 8))
    assert len(await automation.events("rule.fired", created.ticket_id)) == 4
    assert len(await automation.events("rule.suppressed", created.ticket_id)) == 2


async def test_the_limit_counts_per_ticket(automation: AutomationHarness) -> None:
    await automation.add_rule({**ON_COMMENT, "limit": {"firings": 1, "per_minutes": 60}})
    first, second = automation.created(), automation.created()
    for created in (first, second):
        await automation.deliver(created)
        await automation.deliver(comment(automation, created, 1))
    assert len(await automation.events("rule.fired", first.ticket_id)) == 1
    assert len(await automation.events("rule.fired", second.ticket_id)) == 1
    assert await automation.events("rule.suppressed") == []
