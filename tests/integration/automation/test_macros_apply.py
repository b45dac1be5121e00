"""Applying macros: the preview shows exactly what apply asks for and writes nothing; apply
records one application and one `macro.applied` per caller and Idempotency-Key; tickets
automation has not seen and macros not offered are 404 and change nothing."""

import asyncio
import uuid
from typing import Any

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
    seen_ticket,
    written,
)

pytestmark = pytest.mark.integration
__all__ = ["api", "macros"]  # the fixtures
REPLY = "您好, 关于「{{ ticket.subject }}」: 打印机已修复, 如仍有问题请回复。"
PRINTER_FIXED: dict[str, Any] = {
    "name": "打印机已修复",
    "description": "回复请求者并解决工单",
    "actions": [
        {"type": "set_priority", "priority": "high"},
        {"type": "add_tags", "tags": ["打印机", "已修复"]},
        {"type": "set_custom_fields", "fields": {"floor": None, "asset": "PR-3"}},
        {"type": "add_reply", "body": REPLY},
        {"type": "add_note", "body": "宏「{{ rule.name }}」已应用, 优先级 {{ ticket.priority }}"},
        {"type": "set_status", "status": "resolved", "reason": "已修复"},
    ],
}


async def test_the_preview_is_what_apply_asks_for_and_writes_nothing(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead")
    macro = await create_macro(api, lead, **PRINTER_FIXED)
    ticket = await seen_ticket(macros, tags=["打印机"], custom_fields={"floor": "3"})
    agent = caller(macros, "agent", subject="agent-李雷", teams=(DESK,))
    before = await written(macros)

    url = f"/tickets/{ticket.ticket_id}/macros/{macro['macro_id']}"
    preview = await api.post(f"{url}/preview", headers=agent)
    assert preview.status_code == 200, preview.text
    shown = preview.json()
    assert await written(macros) == before
    assert shown["changes"] == [
        "priority: normal → high",
        "tags + 已修复",
        "custom_fields.asset: none → PR-3",  # jsonb keeps a macro's fields in its own order
        "custom_fields.floor: 3 → cleared",
        "public reply: 您好, 关于「打印机卡纸了」: 打印机已修复, 如仍有问题请回复。",
        "internal note: 宏「打印机已修复」已应用, 优先级 normal",
        "status: open → resolved (已修复)",
    ]
    assert shown["before"]["status"] == "open"
    assert shown["after"]["status"] == "resolved"
    assert shown["after"]["tags"] == ["打印机", "已修复"]
    assert shown["after"]["custom_fields"] == {"asset": "PR-3"}
    assert shown["macro_version"] == 1

    applied = await api.post(f"{url}/apply", headers={**agent, "Idempotency-Key": "k-1"})
    assert applied.status_code == 202, applied.text
    application = applied.json()
    assert application["actions"] == shown["actions"]
    assert application["actor_id"] == "agent-李雷"
    [event] = await macros.events("macro.applied", ticket.ticket_id)
    assert event["actions"] == shown["actions"]
    assert event["firing_id"] == application["application_id"]
    assert event["macro_name"] == "打印机已修复"
    assert event["actor_id"] == "agent-李雷"
    assert event["caused_by"] == {
        "kind": "macro",
        "firing_id": application["application_id"],
        "rule_id": None,
        "macro_id": macro["macro_id"],
        "depth": 1,
    }
    [reply] = [a for a in event["actions"] if a["type"] == "add_reply"]
    assert reply["body"] == "您好, 关于「打印机卡纸了」: 打印机已修复, 如仍有问题请回复。"


async def test_one_key_one_application_one_event(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead")
    macro = await create_macro(api, lead, **PRINTER_FIXED)
    other = await create_macro(
        api, lead, name="升级", actions=[{"type": "escalate", "reason": "客户投诉"}]
    )
    ticket = await seen_ticket(macros)
    agent = caller(macros, "agent", subject="agent-韩梅梅", teams=(DESK,))
    url = f"/tickets/{ticket.ticket_id}/macros/{macro['macro_id']}/apply"

    first = await api.post(url, headers={**agent, "Idempotency-Key": "same-key-1"})
    again = await api.post(url, headers={**agent, "Idempotency-Key": "same-key-1"})
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert len(await macros.events("macro.applied", ticket.ticket_id)) == 1
    assert await macros.fetchval("SELECT count(*) FROM macro_applications") == 1

    reused = await api.post(
        f"/tickets/{ticket.ticket_id}/macros/{other['macro_id']}/apply",
        headers={**agent, "Idempotency-Key": "same-key-1"},
    )
    assert reused.status_code == 422
    assert reused.json()["errors"][0]["field"] == "header:Idempotency-Key"

    someone_else = caller(macros, "agent", subject="agent-other", teams=(DESK,))
    theirs = await api.post(url, headers={**someone_else, "Idempotency-Key": "same-key-1"})
    assert theirs.status_code == 202
    assert theirs.json()["application_id"] != first.json()["application_id"]
    unkeyed = [await api.post(url, headers=agent) for _ in range(2)]
    assert all(r.status_code == 202 for r in unkeyed)
    assert len(await macros.events("macro.applied", ticket.ticket_id)) == 4


async def test_unseen_tickets_and_macros_not_offered_are_404_and_change_nothing(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead")
    network_only = await create_macro(api, lead, **{**PRINTER_FIXED, "teams": [NETWORK]})
    ticket = await seen_ticket(macros)
    agent = caller(macros, "agent", teams=(DESK,))
    before = await written(macros)
    for path in (
        f"/tickets/{ticket.ticket_id}/macros/{network_only['macro_id']}",
        f"/tickets/{uuid.uuid4()}/macros/{network_only['macro_id']}",
        f"/tickets/{ticket.ticket_id}/macros/{uuid.uuid4()}",
    ):
        for step in ("preview", "apply"):
            answer = await api.post(f"{path}/{step}", headers={**agent, "Idempotency-Key": step})
            assert answer.status_code == 404, (path, step, answer.text)
    assert await written(macros) == before
    networker = caller(macros, "agent", teams=(NETWORK,))
    ok = f"/tickets/{ticket.ticket_id}/macros/{network_only['macro_id']}/apply"
    assert (await api.post(ok, headers=networker)).status_code == 202


async def test_a_refused_status_move_is_previewed_as_such(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead")
    reopen = await create_macro(
        api, lead, name="重新打开", actions=[{"type": "set_status", "status": "open"}]
    )
    ticket = await seen_ticket(macros, status="closed")
    url = f"/tickets/{ticket.ticket_id}/macros/{reopen['macro_id']}/preview"
    shown = (await api.post(url, headers=lead)).json()
    assert shown["after"] == shown["before"]
    assert shown["changes"] == ["status: would not happen: a closed ticket is final"]


async def test_a_template_that_renders_empty_is_previewed_as_it_is_sent(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead")
    macro = await create_macro(
        api,
        lead,
        name="分类说明",
        actions=[
            {"type": "add_note", "body": "{% if ticket.category %}{{ ticket.category }}{% endif %}"}
        ],
    )
    ticket = await seen_ticket(macros)
    url = f"/tickets/{ticket.ticket_id}/macros/{macro['macro_id']}"
    shown = (await api.post(f"{url}/preview", headers=lead)).json()
    applied = (await api.post(f"{url}/apply", headers=lead)).json()
    assert shown["actions"] == applied["actions"] == [{"type": "add_note", "body": "-"}]
    assert shown["changes"] == ["internal note: -"]


async def test_a_ticket_learnt_from_its_events_is_previewed_and_applied(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    created = macros.created(subject="三楼打印机卡纸")
    assert await macros.deliver(created) != "duplicate"
    lead = caller(macros, "lead")
    macro = await create_macro(api, lead, **PRINTER_FIXED)
    url = f"/tickets/{created.ticket_id}/macros/{macro['macro_id']}"
    shown = (await api.post(f"{url}/preview", headers=lead)).json()
    assert shown["before"]["subject"] == "三楼打印机卡纸"
    assert "status: new → resolved (已修复)" in shown["changes"]
    applied = await api.post(f"{url}/apply", headers=lead)
    assert applied.status_code == 202
    [event] = await macros.events("macro.applied", created.ticket_id)
    assert event["actions"] == shown["actions"]


async def test_two_racing_applications_with_one_key_make_one_event(
    macros: AutomationHarness, api: httpx.AsyncClient
) -> None:
    lead = caller(macros, "lead", subject="lead-赵敏")
    macro = await create_macro(api, lead, **PRINTER_FIXED)
    ticket = await seen_ticket(macros)
    url = f"/tickets/{ticket.ticket_id}/macros/{macro['macro_id']}/apply"
    headers = {**lead, "Idempotency-Key": "race-1"}
    answers = await asyncio.gather(*(api.post(url, headers=headers) for _ in range(4)))
    assert [a.status_code for a in answers] == [202] * 4
    assert len({a.json()["application_id"] for a in answers}) == 1
    assert len(await macros.events("macro.applied", ticket.ticket_id)) == 1


@pytest.mark.parametrize(
    ("headers", "field"),
    [({"Idempotency-Key": "k" * 201}, "header:Idempotency-Key")],
)
async def test_a_bad_key_is_refused_naming_the_header(
    macros: AutomationHarness, api: httpx.AsyncClient, headers: dict[str, str], field: str
) -> None:
    lead = caller(macros, "lead")
    macro = await create_macro(api, lead)
    ticket = await seen_ticket(macros)
    before = await written(macros)
    refused = await api.post(
        f"/tickets/{ticket.ticket_id}/macros/{macro['macro_id']}/apply",
        headers={**lead, **headers},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == field
    assert await written(macros) == before
