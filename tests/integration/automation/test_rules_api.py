"""Rules through the API: created, read, listed in pages, replaced under If-Match, patched,
soft-deleted; every change bumps the rule set and is audited; every refusal names the field and
leaves the database as it was."""

from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.integration.automation.conftest import AutomationHarness
from ticketflow_common.events import CalendarChanged

PRINTER: dict[str, Any] = {
    "name": "紧急打印机",
    "description": "打印机故障的工单立即升级",
    "on": ["ticket.created"],
    "when": {
        "all": [
            {"field": "ticket.subject", "op": "contains_text", "value": "打印机"},
            {"field": "ticket.priority", "op": "in", "value": ["normal", "low"]},
        ]
    },
    "actions": [
        {"type": "set_priority", "priority": "urgent"},
        {"type": "add_note", "body": "规则「{{ rule.name }}」: {{ ticket.subject }}"},
    ],
}


def rule(**changes: Any) -> dict[str, Any]:
    return {**PRINTER, **changes}


async def snapshot(automation: AutomationHarness) -> tuple[Any, ...]:
    """Everything a refused change must leave as it was."""
    rules = await automation.fetch(
        "SELECT rule_id, name, version, definition::text, deleted_at FROM rules ORDER BY rule_id"
    )
    return (
        [tuple(r) for r in rules],
        await automation.fetchval("SELECT version FROM rule_set"),
        await automation.fetchval("SELECT count(*) FROM audit_log"),
        len(await automation.outbox()),
    )


async def created(api: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.post("/rules", json=body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def test_a_rule_is_created_read_and_audited(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    before = await automation.fetchval("SELECT version FROM rule_set")
    response = await api.post("/rules", json=PRINTER)
    assert response.status_code == 201, response.text
    made = response.json()
    assert response.headers["Location"] == f"/rules/{made['rule_id']}"
    assert response.headers["ETag"] == '"1"'
    assert made["kind"] == "event"
    assert made["definition"]["name"] == "紧急打印机"
    assert made["definition"]["when"]["all"][0]["value"] == "打印机"
    assert await automation.fetchval("SELECT version FROM rule_set") == before + 1

    read = await api.get(f"/rules/{made['rule_id']}")
    assert read.status_code == 200
    assert read.headers["ETag"] == '"1"'
    assert read.json() == made

    entries = await automation.fetch("SELECT entity, entity_id, action, after FROM audit_log")
    assert [(e["entity"], e["entity_id"], e["action"]) for e in entries] == [
        ("automation.rule", made["rule_id"], "created")
    ]
    assert [e["type"] for e in await automation.outbox()] == ["audit.recorded"]


async def test_rules_list_in_pages_with_filters(api: httpx.AsyncClient) -> None:
    made = [
        await created(api, rule(name=f"规则{i}", position=10 * (5 - i), enabled=i % 2 == 0))
        for i in range(5)
    ]
    made.append(
        await created(
            api,
            rule(
                name="无人回复",
                on=None,
                after={"anchor": "awaiting_reply", "minutes": 30},
                position=1000,
            ),
        )
    )
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await api.get("/rules", params=params)).json()
        seen += [item["definition"]["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["规则4", "规则3", "规则2", "规则1", "规则0", "无人回复"]
    enabled = (await api.get("/rules", params={"enabled": "true"})).json()
    assert [i["definition"]["name"] for i in enabled["items"]] == [
        "规则4",
        "规则2",
        "规则0",
        "无人回复",
    ]
    timed = (await api.get("/rules", params={"kind": "time"})).json()
    assert [i["rule_id"] for i in timed["items"]] == [made[-1]["rule_id"]]
    assert timed["next_cursor"] is None
    bad = await api.get("/rules", params={"limit": 500})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query:limit"


async def test_put_needs_the_current_etag(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    made = await created(api, PRINTER)
    url = f"/rules/{made['rule_id']}"
    changed = rule(actions=[{"type": "add_tags", "tags": ["打印机"]}])

    state = await snapshot(automation)
    missing = await api.put(url, json=changed)
    assert missing.status_code == 428
    assert missing.headers["ETag"] == '"1"'
    stale = await api.put(url, json=changed, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    assert await snapshot(automation) == state

    ok = await api.put(url, json=changed, headers={"If-Match": '"1"'})
    assert ok.status_code == 200, ok.text
    assert ok.headers["ETag"] == '"2"'
    assert ok.json()["definition"]["actions"] == [{"type": "add_tags", "tags": ["打印机"]}]
    again = await api.put(url, json=changed, headers={"If-Match": '"1"'})
    assert again.status_code == 412
    actions = await automation.fetch("SELECT action FROM audit_log ORDER BY sequence")
    assert [a["action"] for a in actions] == ["created", "updated"]


async def test_patch_switches_and_moves_a_rule(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    made = await created(api, PRINTER)
    url = f"/rules/{made['rule_id']}"
    version = await automation.fetchval("SELECT version FROM rule_set")
    patched = await api.patch(url, json={"enabled": False, "position": 5, "description": "暂停"})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["version"], body["definition"]["enabled"], body["definition"]["position"]) == (
        2,
        False,
        5,
    )
    assert body["definition"]["description"] == "暂停"
    assert (
        await automation.fetchval("SELECT enabled FROM rules WHERE rule_id = $1", body["rule_id"])
        is False
    )
    assert await automation.fetchval("SELECT version FROM rule_set") == version + 1
    same = await api.patch(url, json={"enabled": False})
    assert same.json()["version"] == 2
    stale = await api.patch(url, json={"enabled": True}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    bad = await api.patch(url, json={"position": -1})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "position"


async def test_delete_is_soft_and_frees_the_name(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    made = await created(api, PRINTER)
    url = f"/rules/{made['rule_id']}"
    assert (await api.delete(url)).status_code == 204
    assert (await api.get(url)).status_code == 404
    assert (await api.delete(url)).status_code == 404
    kept = await automation.fetchval(
        "SELECT deleted_at IS NOT NULL FROM rules WHERE rule_id = $1", made["rule_id"]
    )
    assert kept is True
    assert (await api.get("/rules")).json()["items"] == []
    again = await created(api, PRINTER)
    assert again["rule_id"] != made["rule_id"]
    actions = await automation.fetch("SELECT action FROM audit_log ORDER BY sequence")
    assert [a["action"] for a in actions] == ["created", "deleted", "created"]


async def test_a_taken_name_is_a_conflict(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    await created(api, PRINTER)
    other = await created(api, rule(name="其他"))
    state = await snapshot(automation)
    clash = await api.post("/rules", json=PRINTER)
    assert clash.status_code == 409
    assert clash.json()["errors"][0]["field"] == "name"
    renamed = await api.put(f"/rules/{other['rule_id']}", json=PRINTER, headers={"If-Match": '"1"'})
    assert renamed.status_code == 409
    assert await snapshot(automation) == state


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            rule(
                when={"all": [PRINTER["when"]["all"][0], {"field": "ticket.priority", "op": "像"}]}
            ),
            "when.all[1].op",
        ),
        (rule(when={"field": "ticket.不存在", "op": "eq", "value": 1}), "when.field"),
        (rule(after={"anchor": "created", "minutes": 60}), "on"),
        (rule(actions=[{"type": "launch_rocket"}]), "actions[0].type"),
        (rule(actions=[{"type": "set_priority", "priority": "特急"}]), "actions[0].priority"),
        (rule(actions=[{"type": "add_note", "body": "{{ ticket.subject "}]), "actions[0].body"),
        (rule(name=""), "name"),
        (rule(surprise=True), "surprise"),
        ({k: v for k, v in PRINTER.items() if k != "actions"}, "actions"),
        (
            rule(on=None, after={"anchor": "created", "minutes": 60, "calendar": "北京"}),
            "after.calendar",
        ),
        (rule(when={"not": {"field": "ticket.status", "op": "eq", "extra": 1}}), "when.not.extra"),
    ],
)
async def test_a_refused_rule_names_the_field_and_changes_nothing(
    automation: AutomationHarness, api: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    existing = await created(api, rule(name="已有"))
    state = await snapshot(automation)
    response = await api.post("/rules", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]], response.json()
    replaced = await api.put(
        f"/rules/{existing['rule_id']}", json=body, headers={"If-Match": '"1"'}
    )
    assert replaced.status_code == 422, replaced.text
    assert await snapshot(automation) == state


async def test_a_calendar_sla_announced_is_accepted(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    beijing = CalendarChanged(
        name="北京",
        change="created",
        time_zone="Asia/Shanghai",
        week={day: [("09:00", "18:00")] for day in ("mon", "tue", "wed", "thu", "fri")},
        changed_at=automation.clock(),
    )
    await automation.deliver(beijing, subject="北京")
    timed = rule(on=None, after={"anchor": "status_entered", "minutes": 240, "calendar": "北京"})
    made = await created(api, timed)
    assert made["kind"] == "time"
    assert made["definition"]["after"]["calendar"] == "北京"
    await automation.sql("UPDATE calendars SET archived = true")
    refused = await api.post(
        "/rules", json=rule(name="另一个", **{k: timed[k] for k in ("on", "after")})
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "after.calendar"


async def test_what_get_answers_put_takes_back(api: httpx.AsyncClient) -> None:
    negated = rule(when={"not": {"field": "ticket.tags", "op": "contains", "value": "已处理"}})
    made = await created(api, negated)
    read = await api.get(f"/rules/{made['rule_id']}")
    assert read.json()["definition"]["when"] == negated["when"]
    put = await api.put(
        f"/rules/{made['rule_id']}",
        json=read.json()["definition"],
        headers={"If-Match": read.headers["ETag"]},
    )
    assert put.status_code == 200, put.text
    assert put.json()["definition"] == read.json()["definition"]
    assert put.json()["version"] == 2


async def test_a_time_rule_made_over_the_api_reaches_the_open_tickets_at_once(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    ticket = automation.created()
    await automation.deliver(ticket)
    made = await created(
        api,
        {
            "name": "三十分钟无人认领",
            "after": {"anchor": "unassigned", "minutes": 30},
            "actions": [{"type": "escalate", "reason": "无人认领"}],
        },
    )

    async def due() -> list[Any]:
        rows = await automation.fetch(
            "SELECT due_at FROM rule_timers WHERE rule_id = $1 AND ticket_id = $2",
            made["rule_id"],
            ticket.ticket_id,
        )
        return [r["due_at"] for r in rows]

    assert await due() == [ticket.created_at + timedelta(minutes=30)]
    headers = {"If-Match": f'"{made["version"]}"'}
    off = await api.patch(f"/rules/{made['rule_id']}", json={"enabled": False}, headers=headers)
    assert off.status_code == 200, off.text
    assert await due() == [], "a disabled rule keeps no timers"
    on = await api.patch(
        f"/rules/{made['rule_id']}",
        json={"enabled": True},
        headers={"If-Match": off.headers["ETag"]},
    )
    assert await due() == [ticket.created_at + timedelta(minutes=30)]
    gone = await api.delete(f"/rules/{made['rule_id']}", headers={"If-Match": on.headers["ETag"]})
    assert gone.status_code == 204
    assert await due() == [], "a deleted rule keeps no timers"
