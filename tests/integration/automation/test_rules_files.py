"""Rules as YAML files: export writes every live rule (Chinese as written), import upserts by
name all or nothing (prune deletes what the file leaves out), export then import changes
nothing, and every refused file names its place and leaves the database as it was."""

from typing import Any

import httpx
import pytest
import yaml

from tests.integration.automation.conftest import AutomationHarness
from ticketflow_automation.domain.rule_files import MAX_FILE_BYTES

FILE = """\
rules:
  - name: 紧急打印机
    description: 打印机故障立即升级
    on: [ticket.created, ticket.updated]
    when:
      all:
        - {field: ticket.subject, op: contains_text, value: 打印机}
        - not: {field: ticket.tags, op: contains, value: 已升级}
    actions:
      - {type: set_priority, priority: urgent}
      - {type: add_tags, tags: [已升级]}
      - {type: add_note, body: "规则「{{ rule.name }}」: {{ ticket.subject }}"}
    limit: {firings: 2, per_minutes: 30}
  - name: 无人回复提醒
    position: 20
    after: {anchor: awaiting_reply, minutes: 120}
    when: {field: ticket.status, op: in, value: [open, in_progress]}
    actions:
      - {type: notify, target: team_lead, message: "{{ ticket.subject }} 两小时无人回复"}
"""
YAML_HEADERS = {"Content-Type": "application/yaml"}


async def snapshot(automation: AutomationHarness) -> tuple[Any, ...]:
    rules = await automation.fetch(
        "SELECT rule_id, name, version, definition::text, deleted_at FROM rules ORDER BY rule_id"
    )
    return (
        [tuple(r) for r in rules],
        await automation.fetchval("SELECT version FROM rule_set"),
        await automation.fetchval("SELECT count(*) FROM audit_log"),
        len(await automation.outbox()),
    )


async def import_file(
    api: httpx.AsyncClient, text: str | bytes, *, prune: bool = False
) -> httpx.Response:
    body = text.encode() if isinstance(text, str) else text
    params = {"prune": "true"} if prune else {}
    return await api.post("/rules/import", content=body, headers=YAML_HEADERS, params=params)


async def test_import_creates_then_export_import_is_the_identity(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    first = await import_file(api, FILE)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "created": ["紧急打印机", "无人回复提醒"],
        "updated": [],
        "unchanged": [],
        "deleted": [],
    }
    listed = (await api.get("/rules")).json()["items"]
    assert [r["definition"]["name"] for r in listed] == ["无人回复提醒", "紧急打印机"]
    assert {r["kind"] for r in listed} == {"event", "time"}

    exported = await api.get("/rules/export")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/yaml")
    assert "紧急打印机" in exported.text  # written as is, not \u escapes
    assert "\\u" not in exported.text
    state = await snapshot(automation)

    again = await import_file(api, exported.content)
    assert again.status_code == 200, again.text
    assert again.json()["unchanged"] == ["无人回复提醒", "紧急打印机"]
    assert again.json()["created"] == again.json()["updated"] == []
    assert await snapshot(automation) == state
    assert (await api.get("/rules/export")).text == exported.text


async def test_import_updates_by_name_and_prunes(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    made = await api.post(
        "/rules",
        json={
            "name": "手工规则",
            "on": ["ticket.created"],
            "actions": [{"type": "add_tags", "tags": ["手工"]}],
        },
    )
    assert made.status_code == 201
    assert (await import_file(api, FILE)).status_code == 200
    printer = next(
        r
        for r in (await api.get("/rules")).json()["items"]
        if r["definition"]["name"] == "紧急打印机"
    )
    changed = FILE.replace("priority: urgent", "priority: high")
    kept = await import_file(api, changed)
    assert kept.json() == {
        "created": [],
        "updated": ["紧急打印机"],
        "unchanged": ["无人回复提醒"],
        "deleted": [],
    }
    after = (await api.get(f"/rules/{printer['rule_id']}")).json()
    assert after["version"] == printer["version"] + 1
    assert after["definition"]["actions"][0] == {"type": "set_priority", "priority": "high"}

    version = await automation.fetchval("SELECT version FROM rule_set")
    pruned = await import_file(api, changed, prune=True)
    assert pruned.json()["deleted"] == ["手工规则"]
    assert (await api.get(f"/rules/{made.json()['rule_id']}")).status_code == 404
    assert await automation.fetchval("SELECT version FROM rule_set") == version + 1
    actions = await automation.fetch(
        "SELECT action, entity_id FROM audit_log WHERE entity = 'automation.rule' ORDER BY sequence"
    )
    assert [a["action"] for a in actions] == ["created", "created", "created", "updated", "deleted"]


def rules_of(text: str) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = yaml.safe_load(text)["rules"]
    return loaded


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (FILE.replace("priority: urgent", "priority: 特急"), "rules[0].actions[0].priority"),
        (FILE.replace("type: notify", "type: 发射"), "rules[1].actions[0].type"),
        (FILE.replace("op: in,", "op: 属于,"), "rules[1].when.op"),
        (FILE.replace("op: contains,", "op: bigger,"), "rules[0].when.all[1].not.op"),
        (FILE.replace("field: ticket.status", "field: ticket.颜色"), "rules[1].when.field"),
        (
            FILE.replace("    position: 20\n", "    position: 20\n    on: [ticket.created]\n"),
            "rules[1].on",
        ),
        (FILE.replace("无人回复提醒", "紧急打印机"), "rules[1].name"),
        (FILE.replace("minutes: 120}", "minutes: 120, calendar: 上海}"), "rules[1].after.calendar"),
        (FILE.replace("{{ rule.name }}", "{{ rule.name "), "rules[0].actions[2].body"),
        ("- 只是一个列表\n", "body"),
        ("rules:\n  - &a {name: x}\n  - *a\n", "body"),
        ("rules: {name: x}\n", "rules"),
        ("rules: []\nextra: 1\n", "extra"),
        ("rules: [\n", "body"),
        (FILE + "---\nrules: []\n", "body"),
        (b"rules: [\xff]", "body"),
    ],
)
async def test_a_refused_file_names_the_place_and_changes_nothing(
    automation: AutomationHarness, api: httpx.AsyncClient, text: str | bytes, field: str
) -> None:
    await import_file(api, FILE.replace("紧急打印机", "旧规则"))
    state = await snapshot(automation)
    response = await import_file(api, text, prune=True)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert await snapshot(automation) == state


async def test_a_file_over_the_limit_is_refused(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    state = await snapshot(automation)
    padding = "# " + "很" * (MAX_FILE_BYTES // 3) + "\n"
    response = await import_file(api, padding + FILE)
    assert response.status_code == 413
    assert await snapshot(automation) == state


async def test_yaml_booleans_and_dates_stay_text(api: httpx.AsyncClient) -> None:
    text = """\
rules:
  - name: 日期
    description: 2025-06-02
    on: [ticket.created]
    when: {field: ticket.custom_fields.vip, op: eq, value: yes}
    actions: [{type: add_tags, tags: [vip]}]
"""
    response = await import_file(api, text)
    assert response.status_code == 200, response.text
    stored = (await api.get("/rules")).json()["items"][0]["definition"]
    assert stored["description"] == "2025-06-02"
    assert stored["on"] == ["ticket.created"]
    assert stored["when"]["value"] == "yes"
    assert rules_of((await api.get("/rules/export")).text)[0]["when"]["value"] == "yes"
