"""Macros as leads keep them: created with Chinese names, offered to teams, paged by cursor,
replaced with If-Match, soft-deleted, audited; refusals name the field and change nothing."""

import httpx
import pytest

from tests.integration.automation.conftest import AutomationHarness
from tests.integration.automation.macro_support import (
    DESK,
    NETWORK,
    api,
    caller,
    create_macro,
    macros,
    written,
)

pytestmark = pytest.mark.integration
__all__ = ["api", "macros"]  # the fixtures


async def test_a_lead_creates_reads_replaces_and_deletes_a_macro(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead", subject="lead-王芳", teams=(NETWORK,))
    created = await create_macro(api, lead, description="打印机问题的标准回复", teams=[NETWORK])
    macro_id = created["macro_id"]
    assert created["version"] == 1
    assert created["definition"]["name"] == "打印机已修复"
    assert created["created_by"] == "lead-王芳"

    read = await api.get(f"/macros/{macro_id}", headers=lead)
    assert read.status_code == 200
    assert read.headers["ETag"] == '"1"'
    assert read.json() == created

    changed = {**created["definition"], "name": "打印机-已修复"}
    missing = await api.put(f"/macros/{macro_id}", json=changed, headers=lead)
    assert missing.status_code == 428
    stale = await api.put(f"/macros/{macro_id}", json=changed, headers={**lead, "If-Match": '"7"'})
    assert stale.status_code == 412
    replaced = await api.put(
        f"/macros/{macro_id}", json=changed, headers={**lead, "If-Match": '"1"'}
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.headers["ETag"] == '"2"'
    assert replaced.json()["definition"]["name"] == "打印机-已修复"

    gone = await api.delete(f"/macros/{macro_id}", headers={**lead, "If-Match": '"1"'})
    assert gone.status_code == 412
    assert (await api.delete(f"/macros/{macro_id}", headers=lead)).status_code == 204
    assert (await api.get(f"/macros/{macro_id}", headers=lead)).status_code == 404
    assert (await api.delete(f"/macros/{macro_id}", headers=lead)).status_code == 404
    audited = await macros.fetch(
        "SELECT action, actor->>'subject' AS who FROM audit_log"
        " WHERE entity = 'automation.macro' AND entity_id = $1 ORDER BY sequence",
        macro_id,
    )
    assert [(r["action"], r["who"]) for r in audited] == [
        ("created", "lead-王芳"),
        ("updated", "lead-王芳"),
        ("deleted", "lead-王芳"),
    ]


async def test_a_deleted_macros_name_can_be_used_again(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead")
    first = await create_macro(api, lead)
    again = await api.post("/macros", json=first["definition"], headers=lead)
    assert again.status_code == 409
    assert again.json()["errors"] == [{"field": "name", "reason": "is taken by another macro"}]
    assert (await api.delete(f"/macros/{first['macro_id']}", headers=lead)).status_code == 204
    assert (await api.post("/macros", json=first["definition"], headers=lead)).status_code == 201


async def test_an_agent_sees_the_macros_offered_to_their_teams(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead")
    everyone = await create_macro(api, lead, name="通用回复")
    network = await create_macro(api, lead, name="网络故障", teams=[NETWORK])
    desk = await create_macro(api, lead, name="服务台", teams=[DESK, "hr"])
    agent = caller(macros, "agent", teams=(NETWORK,))

    listed = await api.get("/macros", headers=agent)
    assert listed.status_code == 200
    assert {m["macro_id"] for m in listed.json()["items"]} == {
        everyone["macro_id"],
        network["macro_id"],
    }
    assert (await api.get(f"/macros/{desk['macro_id']}", headers=agent)).status_code == 404
    assert (await api.get(f"/macros/{network['macro_id']}", headers=agent)).status_code == 200
    all_of_them = (await api.get("/macros", headers=lead)).json()["items"]
    assert len(all_of_them) == 3


async def test_pages_follow_the_cursor_to_the_end(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead")
    ids = sorted([(await create_macro(api, lead, name=f"宏{i}"))["macro_id"] for i in range(5)])
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        params = {"limit": "2", **({"cursor": after} if after else {})}
        page = (await api.get("/macros", params=params, headers=lead)).json()
        seen += [m["macro_id"] for m in page["items"]]
        pages += 1
        after = page["next_cursor"]
        if after is None:
            break
    assert seen == ids
    assert pages == 3
    too_many = await api.get("/macros", params={"limit": "201"}, headers=lead)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "query:limit"
    garbage = await api.get("/macros", params={"cursor": "宏"}, headers=lead)
    assert garbage.status_code == 422
    assert garbage.json()["errors"][0]["field"] == "query:cursor"


@pytest.mark.parametrize(
    ("actions", "field"),
    [
        ([{"type": "add_note", "body": "{{ ticket.subject "}], "actions.0.body"),
        (
            [
                {"type": "set_priority", "priority": "urgent"},
                {"type": "notify", "target": "team_lead", "message": "ok", "subject": "{% if %}"},
            ],
            "actions.1.subject",
        ),
        ([{"type": "set_priority", "priority": "十分紧急"}], "actions.0.priority"),
        ([{"type": "add_tags", "tags": ["有 空格"]}], "actions.0.tags.0"),
        ([{"type": "explode"}], "actions.0"),
        ([{"type": "add_note", "body": "with\x00nul"}], "actions.0.body"),
        (
            [{"type": "unassign"}, {"type": "notify", "target": "owner", "message": "好\x00"}],
            "actions.1.message",
        ),
        ([], "actions"),
    ],
)
async def test_an_invalid_macro_is_refused_naming_the_field(
    macros: AutomationHarness, api: httpx.AsyncClient, actions: list[object], field: str
) -> None:
    lead = caller(macros, "lead")
    before = await written(macros)
    refused = await api.post("/macros", json={"name": "坏宏", "actions": actions}, headers=lead)
    assert refused.status_code == 422, refused.text
    assert field in [e["field"] for e in refused.json()["errors"]]
    assert await written(macros) == before


async def test_a_replacement_with_a_broken_template_changes_nothing(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead")
    created = await create_macro(api, lead)
    broken = {**created["definition"], "actions": [{"type": "add_reply", "body": "{{ 1 + }}"}]}
    refused = await api.put(
        f"/macros/{created['macro_id']}", json=broken, headers={**lead, "If-Match": '"1"'}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "actions.0.body"
    assert (await api.get(f"/macros/{created['macro_id']}", headers=lead)).json() == created


async def test_only_leads_write_macros(macros: AutomationHarness, api: httpx.AsyncClient) -> None:
    agent = caller(macros, "agent", teams=(NETWORK,))
    refused = await api.post(
        "/macros", json={"name": "x", "actions": [{"type": "unassign"}]}, headers=agent
    )
    assert refused.status_code == 403
    assert await written(macros) == (0, 0, 0)
