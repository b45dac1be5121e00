"""The dry run: the kept events replayed through the engine show what a new or changed rule
would have done (event rules and time rules on simulated timers, the firing limit, the
own-change skip) and what a stored rule did; nothing is written, nothing emitted."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.integration.automation.conftest import AutomationHarness
from ticketflow_common.events import (
    AutomationCause,
    TicketCreated,
    TicketStatusChanged,
    TicketUpdated,
)

PRINTER: dict[str, Any] = {
    "name": "紧急打印机",
    "on": ["ticket.created"],
    "when": {"field": "ticket.subject", "op": "contains_text", "value": "打印机"},
    "actions": [
        {"type": "set_priority", "priority": "urgent"},
        {"type": "add_tags", "tags": ["打印机"]},
    ],
}


async def everything(automation: AutomationHarness) -> tuple[Any, ...]:
    """What a dry run must leave as it was: every table it could touch and the outbox."""
    counts = [
        await automation.fetchval(f"SELECT count(*) FROM {table}")
        for table in ("rules", "firings", "suppressions", "rule_timers", "tickets", "audit_log")
    ]
    return (
        *counts,
        await automation.fetchval("SELECT version FROM rule_set"),
        len(await automation.outbox()),
    )


async def create(automation: AutomationHarness, subject: str, **extra: Any) -> TicketCreated:
    created = automation.created(subject=subject, **extra)
    assert await automation.deliver(created) != "duplicate"
    return created


async def status_change(
    automation: AutomationHarness, created: TicketCreated, status: str, previous: str = "new"
) -> None:
    event = TicketStatusChanged(
        **automation.facts(created, status=status),
        previous_status=previous,
        actor_id="agent-李娜",
        actor_role="agent",
        changed_at=automation.now(),
    )
    await automation.deliver(event)


async def update(
    automation: AutomationHarness,
    created: TicketCreated,
    *,
    caused_by: AutomationCause | None = None,
    **changes: Any,
) -> None:
    event = TicketUpdated(
        **automation.facts(created, caused_by=caused_by, **changes),
        changed=sorted(changes) or ["tags"],
        actor_id="agent-李娜",
        updated_at=automation.now(),
    )
    await automation.deliver(event)


async def dry_run(api: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await api.post("/rules/dry-run", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_a_new_rule_shows_what_it_would_have_done_and_nothing_happens(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    jammed = await create(automation, "三楼打印机卡纸")
    automation.clock.advance(3600)
    await create(automation, "VPN 连不上")
    automation.clock.advance(3600)
    ink = await create(automation, "打印机没有墨水了")
    automation.clock.advance(3600)
    state = await everything(automation)

    answer = await dry_run(api, rule=PRINTER)

    assert await everything(automation) == state
    assert await automation.outbox() == []
    assert (answer["events_replayed"], answer["tickets_touched"]) == (3, 3)
    assert [f["ticket_id"] for f in answer["firings"]] == [
        str(jammed.ticket_id),
        str(ink.ticket_id),
    ]
    first = answer["firings"][0]
    assert first["trigger"] == "event"
    assert first["event_type"] == "ticket.created"
    assert first["at"] == jammed.created_at.isoformat().replace("+00:00", "Z")
    assert any("打印机" in why for why in first["why"]), first["why"]
    assert first["actions"][0] == {"type": "set_priority", "priority": "urgent"}
    assert any("urgent" in change for change in first["changes"]), first["changes"]
    assert (answer["firings_total"], answer["suppressed"], answer["truncated"]) == (2, 0, False)
    assert answer["rule_id"] is None
    assert answer["recorded"] is None


async def test_the_window_and_the_limit_bound_what_is_shown(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    old = await create(automation, "打印机旧工单")
    automation.clock.advance(10 * 86400)
    for n in range(3):
        await create(automation, f"打印机 {n} 号")
        automation.clock.advance(60)
    answer = await dry_run(api, rule=PRINTER, limit=2)
    assert answer["firings_total"] == 3
    assert len(answer["firings"]) == 2
    assert answer["truncated"] is True
    assert str(old.ticket_id) not in {f["ticket_id"] for f in answer["firings"]}

    since = (automation.now() - timedelta(days=11)).isoformat()
    wider = await dry_run(api, rule=PRINTER, since=since)
    assert wider["firings_total"] == 4
    assert wider["firings"][0]["ticket_id"] == str(old.ticket_id)


async def test_the_firing_limit_and_chain_depth_suppress_as_live(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    ticket = await create(automation, "打印机反复报错")
    for n in range(4):
        automation.clock.advance(60)
        await update(automation, ticket, tags=[f"第{n}次"])
    automation.clock.advance(60)
    deep = AutomationCause(kind="rule", firing_id=uuid.uuid4(), rule_id=uuid.uuid4(), depth=5)
    await update(automation, ticket, caused_by=deep, tags=["深"])
    rule = {
        **PRINTER,
        "name": "每次更新",
        "on": ["ticket.updated"],
        "limit": {"firings": 2, "per_minutes": 60},
    }
    answer = await dry_run(api, rule=rule)
    assert answer["events_replayed"] == 6
    assert answer["firings_total"] == 2
    assert answer["suppressed"] == 3  # two over the limit, one beyond the chain depth


async def test_a_changed_rule_skips_its_own_changes_and_shows_what_it_did(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    stored = await automation.add_rule({**PRINTER, "name": "更新时", "on": ["ticket.updated"]})
    ticket = await create(automation, "打印机卡纸")
    own = AutomationCause(kind="rule", firing_id=uuid.uuid4(), rule_id=stored.rule_id)
    other = AutomationCause(kind="rule", firing_id=uuid.uuid4(), rule_id=uuid.uuid4())
    automation.clock.advance(60)
    await update(automation, ticket, caused_by=own, priority="urgent")
    automation.clock.advance(60)
    await update(automation, ticket, caused_by=other, category="hardware")
    recorded = await automation.firings(rule_id=stored.rule_id)
    assert len(recorded) == 1  # live, too, the rule skipped its own change
    state = await everything(automation)

    as_stored = await dry_run(api, rule_id=str(stored.rule_id))
    assert as_stored["rule_id"] == str(stored.rule_id)
    assert as_stored["firings_total"] == 1  # the change the rule itself made is skipped
    assert as_stored["firings"][0]["event_type"] == "ticket.updated"
    assert as_stored["recorded"]["firings_total"] == len(recorded)
    assert [f["ticket_id"] for f in as_stored["recorded"]["firings"]] == [
        str(r["ticket_id"]) for r in recorded
    ]

    narrower = {
        **PRINTER,
        "name": "更新时",
        "on": ["ticket.updated"],
        "when": {"field": "ticket.category", "op": "eq", "value": "network"},
    }
    changed = await dry_run(api, rule_id=str(stored.rule_id), rule=narrower)
    assert changed["firings_total"] == 0
    assert changed["rule_name"] == "更新时"
    assert changed["recorded"]["firings_total"] == len(recorded)
    assert await everything(automation) == state


async def test_a_time_rule_fires_on_simulated_timers(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    start = automation.now()
    waiting = await create(automation, "打印机无人处理")
    picked_up = await create(automation, "打印机已处理")
    automation.clock.advance(30 * 60)
    await status_change(automation, picked_up, "open")
    automation.clock.advance(5 * 3600)
    late = await create(automation, "打印机太晚")
    automation.clock.advance(30 * 60)
    rule = {
        "name": "新工单一小时无人处理",
        "after": {"anchor": "created", "minutes": 60},
        "when": {"field": "ticket.status", "op": "eq", "value": "new"},
        "actions": [{"type": "escalate", "reason": "一小时无人处理"}],
    }
    answer = await dry_run(api, rule=rule)
    assert [f["ticket_id"] for f in answer["firings"]] == [str(waiting.ticket_id)]
    fired = answer["firings"][0]
    assert fired["trigger"] == "timer"
    assert fired["event_id"] is None
    assert datetime.fromisoformat(fired["at"]) == start + timedelta(minutes=60)
    assert str(late.ticket_id) not in {f["ticket_id"] for f in answer["firings"]}
    assert answer["tickets_touched"] == 3


async def test_dry_run_refusals_name_the_field(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    state = await everything(automation)
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({}, 422, "body"),
        (
            {"rule": {**PRINTER, "when": {"field": "ticket.status", "op": "像"}}},
            422,
            "rule.when.op",
        ),
        ({"rule": {**PRINTER, "actions": [{"type": "起飞"}]}}, 422, "rule.actions[0].type"),
        ({"rule": PRINTER, "since": "2020-01-01T00:00:00Z"}, 422, "since"),
        (
            {
                "rule": PRINTER,
                "since": automation.now().isoformat(),
                "until": "2025-06-01T00:00:00Z",
            },
            422,
            "until",
        ),
        ({"rule": PRINTER, "limit": 0}, 422, "limit"),
    ]
    for body, status, field in cases:
        response = await api.post("/rules/dry-run", json=body)
        assert response.status_code == status, (body, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    missing = await api.post("/rules/dry-run", json={"rule_id": str(uuid.uuid4())})
    assert missing.status_code == 404
    assert await everything(automation) == state
