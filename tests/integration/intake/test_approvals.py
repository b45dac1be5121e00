"""Approvals people hear about: a category names its approvers; a ticket entering
pending_approval emits `ticket.approval_requested` to them with its request row, the rounds
worker (an injected clock) reminds once and escalates once, and a decision (API or signed link,
whose GET changes nothing) closes the request, emits `ticket.approval_decided` and shows on the
timeline who decided, when and how."""

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.integration.intake.conftest import AppFactory, IntakeApi, Keys, ticket_body
from ticketflow_common.approval_links import ApprovalLink, approval_link_token
from ticketflow_intake.commands.approvals import run_due_rounds

pytestmark = pytest.mark.integration

SECRET = "approval-link-secret-for-tests-0123456789"
APPROVERS = [
    {"approver_id": "boss-1", "email": "boss@example.com", "name": "王经理"},
    {"approver_id": "boss-2", "email": "deputy@example.com"},
]
ESCALATION = [{"approver_id": "cfo-1", "email": "cfo@example.com", "name": "CFO"}]


async def purchase_category(api: IntakeApi, **spec: Any) -> None:
    body = {
        "name": "采购",
        "approval_threshold": "5000",
        "approvers": APPROVERS,
        "approval_escalation": ESCALATION,
        "approval_reminder_minutes": 60,
        "approval_escalation_minutes": 180,
        **spec,
    }
    async with api.admin as http:
        answer = await http.put("/categories/purchase", json=body)
    assert answer.status_code == 200, answer.text


async def file(api: IntakeApi, keys: Keys, **fields: Any) -> str:
    async with api.client(keys.agent) as http:
        filed = await http.post(
            "/tickets",
            json=ticket_body(
                "u-7",
                subject="采购笔记本电脑 <b>x</b>",
                category="purchase",
                amount="8000",
                **fields,
            ),
        )
    assert filed.status_code == 201, filed.text
    assert filed.json()["status"] == "pending_approval"
    ticket_id: str = filed.json()["id"]
    return ticket_id


async def approval_events(api: IntakeApi, ticket_id: str) -> list[dict[str, Any]]:
    return [
        e["data"]
        for e in await api.outbox_events(ticket_id)
        if e["type"] == "ticket.approval_requested"
    ]


async def rounds(api: IntakeApi) -> int:
    async with api.pool.acquire() as conn:
        return await run_due_rounds(conn=conn, now=api.clock())


def link(data: dict[str, Any], approver_id: str, decision: str, **token: Any) -> str:
    signed = approval_link_token(
        link=ApprovalLink(
            approval_id=uuid.UUID(data["approval_id"]),
            ticket_id=uuid.UUID(data["ticket_id"]),
            approver_id=approver_id,
            decision=decision,  # type: ignore[arg-type]
        ),
        secret=token.pop("secret", SECRET),
        now=token.pop("now"),
        **token,
    )
    return f"/approval-links/{signed}"


async def test_categories_name_approvers_and_refuse_what_cannot_work(
    api: IntakeApi, keys: Keys
) -> None:
    await purchase_category(api)
    async with api.admin as http:
        bad_email = await http.put(
            "/categories/x", json={"name": "x", "approvers": [{"approver_id": "a", "email": "no"}]}
        )
        twice = await http.put(
            "/categories/x",
            json={"name": "x", "approvers": [APPROVERS[0], APPROVERS[0]]},
        )
        backwards = await http.put(
            "/categories/x",
            json={"name": "x", "approval_reminder_minutes": 600, "approval_escalation_minutes": 60},
        )
        after_default = await http.put(
            "/categories/x", json={"name": "x", "approval_reminder_minutes": 2000}
        )
        staff = await http.get("/categories")
    async with api.client(keys.requester) as http:
        requester = await http.get("/categories")
    assert bad_email.status_code == 422
    assert "approvers" in bad_email.text
    assert twice.status_code == 422
    assert "listed twice" in twice.text
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "approval_escalation_minutes"
    assert after_default.status_code == 422
    assert staff.json()["items"][0]["approvers"][0]["email"] == "boss@example.com"
    assert staff.json()["items"][0]["approval_escalation"][0]["approver_id"] == "cfo-1"
    assert requester.json()["items"][0]["approvers"] == []
    assert requester.json()["items"][0]["approval_escalation"] == []
    assert await api.pool.fetchval("SELECT count(*) FROM categories") == 1


async def test_request_then_one_reminder_then_one_escalation_until_decided(
    api: IntakeApi, keys: Keys
) -> None:
    await purchase_category(api)
    requested_at = api.clock()
    ticket_id = await file(api, keys)
    [request] = await approval_events(api, ticket_id)
    assert request["round"] == "request"
    assert [a["approver_id"] for a in request["approvers"]] == ["boss-1", "boss-2"]
    assert request["approvers"][0] == {
        "approver_id": "boss-1",
        "email": "boss@example.com",
        "name": "王经理",
    }
    assert request["amount"] == "8000.00"
    due_at = datetime.fromisoformat(request["due_at"])
    assert due_at == requested_at + timedelta(minutes=60)
    row = await api.pool.fetchrow(
        "SELECT * FROM approval_requests WHERE ticket_id = $1", uuid.UUID(ticket_id)
    )
    assert row["status"] == "open"
    assert str(row["approval_id"]) == request["approval_id"]

    api.clock.advance(59 * 60)
    assert await rounds(api) == 0
    api.clock.advance(60)
    assert await rounds(api) == 1
    assert await rounds(api) == 0  # once
    api.clock.advance(119 * 60)
    assert await rounds(api) == 0
    api.clock.advance(60)
    assert await rounds(api) == 1
    api.clock.advance(24 * 3600)
    assert await rounds(api) == 0
    found = await approval_events(api, ticket_id)
    assert [e["round"] for e in found] == ["request", "reminder", "escalation"]
    assert [a["approver_id"] for a in found[1]["approvers"]] == ["boss-1", "boss-2"]
    assert [a["approver_id"] for a in found[2]["approvers"]] == ["cfo-1"]
    assert {e["approval_id"] for e in found} == {request["approval_id"]}

    other = await file(api, keys)
    async with api.client(keys.approver) as http:
        decided = await http.post(f"/tickets/{other}/approval", json={"decision": "approve"})
    assert decided.status_code == 200
    api.clock.advance(30 * 24 * 3600)
    assert await rounds(api) == 0  # a decision closes the request: no reminder
    assert [e["round"] for e in await approval_events(api, other)] == ["request"]


async def test_two_replicas_emit_a_due_round_once(api: IntakeApi, keys: Keys) -> None:
    await purchase_category(api)
    ticket_id = await file(api, keys)
    api.clock.advance(3600)
    async with api.pool.acquire() as one, api.pool.acquire() as two:
        emitted = await asyncio.gather(
            run_due_rounds(conn=one, now=api.clock()), run_due_rounds(conn=two, now=api.clock())
        )
    assert sorted(emitted) == [0, 1]
    assert [e["round"] for e in await approval_events(api, ticket_id)] == ["request", "reminder"]


async def test_a_category_without_approvers_asks_its_escalation_contacts_or_nobody(
    api: IntakeApi, keys: Keys
) -> None:
    await purchase_category(api, approvers=[])
    ticket_id = await file(api, keys)
    await purchase_category(api, approvers=[], approval_escalation=[])
    nobody = await file(api, keys)
    [request] = await approval_events(api, ticket_id)
    [unroutable] = await approval_events(api, nobody)
    assert [a["approver_id"] for a in request["approvers"]] == ["cfo-1"]
    assert unroutable["approvers"] == []


async def test_a_link_shows_without_deciding_then_decides_once(
    make_api: AppFactory, keys: Keys
) -> None:
    api = await make_api(approval_link_secret=SECRET)
    await purchase_category(api)
    ticket_id = await file(api, keys, language="zh")
    [request] = await approval_events(api, ticket_id)
    approve = link(request, "boss-2", "approve", now=api.clock())
    async with api.client() as browser:
        shown = await browser.get(approve)
        shown_again = await browser.get(approve)
        unchanged = await api.pool.fetchval(
            "SELECT status FROM tickets WHERE id = $1", uuid.UUID(ticket_id)
        )
        api.clock.advance(600)
        posted = await browser.post(approve, data={"reason": "预算内"})
        again = await browser.post(approve)
        reject = await browser.post(link(request, "boss-1", "reject", now=api.clock()))
        page_after = await browser.get(approve)
    assert shown.status_code == 200
    assert shown.text == shown_again.text
    assert "采购笔记本电脑 &lt;b&gt;x&lt;/b&gt;" in shown.text
    assert "<b>x</b>" not in shown.text
    assert "8,000.00" in shown.text
    assert "确认批准" in shown.text
    assert shown.headers["cache-control"] == "no-store"
    assert unchanged == "pending_approval"
    assert posted.status_code == 200, posted.text
    assert "请求已批准" in posted.text
    assert again.status_code == 409
    assert "boss-2" in again.text
    assert reject.status_code == 409
    assert "boss-2" in page_after.text
    ticket = await api.pool.fetchrow(
        "SELECT status FROM tickets WHERE id = $1", uuid.UUID(ticket_id)
    )
    assert ticket["status"] == "open"
    events = await api.outbox_events(ticket_id)
    decided = [e["data"] for e in events if e["type"] == "ticket.approval_decided"]
    assert len(decided) == 1
    assert decided[0]["approver_id"] == "boss-2"
    assert decided[0]["via"] == "link"
    assert decided[0]["decision"] == "approved"
    assert decided[0]["reason"] == "预算内"
    assert decided[0]["approval_id"] == request["approval_id"]

    async with api.client(keys.agent) as http:
        timeline = (await http.get(f"/tickets/{ticket_id}/timeline")).json()["items"]
    async with api.client(keys.approver) as http:
        api_again = await http.post(f"/tickets/{ticket_id}/approval", json={"decision": "reject"})
    [entry] = [e for e in timeline if e["type"] == "ticket.approval_decided"]
    assert entry["data"]["approver_id"] == "boss-2"
    assert entry["data"]["via"] == "link"
    assert entry["data"]["decided_at"].startswith(api.clock().strftime("%Y-%m-%dT%H:%M"))
    assert api_again.status_code == 409
    assert api_again.json()["decided_by"] == "boss-2"
    assert api_again.json()["decided_via"] == "link"


async def test_expired_forged_foreign_and_former_approvers_links_decide_nothing(
    make_api: AppFactory, keys: Keys
) -> None:
    api = await make_api(approval_link_secret=SECRET)
    await purchase_category(api)
    ticket_id = await file(api, keys)
    [request] = await approval_events(api, ticket_id)
    expired = link(request, "boss-1", "approve", now=api.clock(), lifetime=timedelta(hours=1))
    forged = link(request, "boss-1", "approve", now=api.clock(), secret="x" * 40)
    stranger = link(request, "mallory", "approve", now=api.clock())
    former = link(request, "boss-2", "approve", now=api.clock())
    other = dict(request, ticket_id=str(uuid.uuid4()))
    wrong_ticket = link(other, "boss-1", "approve", now=api.clock())
    await purchase_category(api, approvers=[APPROVERS[0]])  # boss-2 is no longer an approver
    api.clock.advance(2 * 3600)
    async with api.client() as browser:
        answers = {
            "expired": await browser.post(expired),
            "forged": await browser.post(forged),
            "stranger": await browser.post(stranger),
            "former": await browser.post(former),
            "wrong_ticket": await browser.post(wrong_ticket),
            "garbage": await browser.post("/approval-links/not-a-token"),
            "former_get": await browser.get(former),
        }
    no_secret = await make_api(approval_link_secret=None)
    async with no_secret.client() as browser:
        answers["no_secret"] = await browser.post(
            link(request, "boss-1", "approve", now=api.clock())
        )
    assert {k: v.status_code for k, v in answers.items()} == {
        "expired": 410,
        "forged": 404,
        "stranger": 403,
        "former": 403,
        "wrong_ticket": 404,
        "garbage": 404,
        "former_get": 403,
        "no_secret": 404,
    }
    assert "不再是" in answers["former"].text
    status = await api.pool.fetchval(
        "SELECT status FROM tickets WHERE id = $1", uuid.UUID(ticket_id)
    )
    assert status == "pending_approval"
    types = [e["type"] for e in await api.outbox_events(ticket_id)]
    assert "ticket.approval_decided" not in types
