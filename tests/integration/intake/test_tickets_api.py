"""Filing and editing tickets: catalogue defaults, derived priority, approval, ETags, retries."""

import asyncio
import uuid

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, ticket_body

pytestmark = pytest.mark.integration


async def put_category(api: IntakeApi, key: str, **spec: object) -> None:
    async with api.admin as http:
        answer = await http.put(f"/categories/{key}", json={"name": key, **spec})
    assert answer.status_code == 200, answer.text


async def test_category_supplies_priority_skills_and_team(api: IntakeApi, keys: Keys) -> None:
    await put_category(
        api, "network", default_priority="high", required_skills=["network"], team="net-team"
    )
    async with api.client(keys.requester) as http:
        filed = await http.post(
            "/tickets", json=ticket_body(keys.requester_id, category="network", tags=["vpn"])
        )
    assert filed.status_code == 201, filed.text
    ticket = filed.json()
    assert (ticket["priority"], ticket["required_skills"], ticket["team"]) == (
        "high",
        ["network"],
        "net-team",
    )
    assert ticket["status"] == "new"
    assert filed.headers["etag"] == '"1"'
    events = await api.outbox_events(ticket["id"])
    assert [e["type"] for e in events] == ["ticket.created"]
    assert events[0]["data"]["team"] == "net-team"
    assert events[0]["data"]["tags"] == ["vpn"]


@pytest.mark.parametrize(
    ("impact", "urgency", "expected"),
    [("high", "high", "urgent"), ("medium", "high", "high"), ("low", "low", "low")],
)
async def test_priority_is_derived_from_impact_and_urgency(
    api: IntakeApi, keys: Keys, impact: str, urgency: str, expected: str
) -> None:
    async with api.client(keys.agent) as http:
        filed = await http.post("/tickets", json=ticket_body("u-9", impact=impact, urgency=urgency))
    assert filed.json()["priority"] == expected


async def test_unknown_category_and_bad_fields_are_named_and_nothing_is_stored(
    api: IntakeApi, keys: Keys
) -> None:
    subject = f"never stored {uuid.uuid4()}"
    async with api.client(keys.agent) as http:
        unknown = await http.post(
            "/tickets", json=ticket_body("u-1", subject=subject, category="nope")
        )
        bad = await http.post(
            "/tickets",
            json=ticket_body(
                "u-1",
                subject="x" * 201,
                impact="high",
                custom_fields={"Bad Key": 1},
                amount="-5",
            ),
        )
        found = await http.get("/tickets", params={"q": subject})
    assert unknown.status_code == 422
    assert unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["errors"] == [
        {"field": "category", "reason": "no category 'nope' in the catalogue"}
    ]
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"subject", "amount"} <= fields
    assert any(f.startswith("custom_fields") for f in fields)
    assert found.json()["items"] == []


async def test_requesters_file_only_for_themselves(api: IntakeApi, keys: Keys) -> None:
    async with api.client(keys.requester) as http:
        other = await http.post("/tickets", json=ticket_body(keys.other_requester_id))
    assert other.status_code == 403


async def test_amount_at_threshold_needs_approval_before_work(api: IntakeApi, keys: Keys) -> None:
    await put_category(api, "purchase", approval_threshold="5000")
    async with api.client(keys.agent) as agent, api.client(keys.approver) as approver:
        below = await agent.post(
            "/tickets", json=ticket_body("u-2", category="purchase", amount="4999.99")
        )
        at = await agent.post(
            "/tickets", json=ticket_body("u-2", category="purchase", amount="5000")
        )
        ticket_id = at.json()["id"]
        skip_approval = await agent.post(f"/tickets/{ticket_id}/status", json={"status": "open"})
        agent_approves = await agent.post(
            f"/tickets/{ticket_id}/approval", json={"decision": "approve"}
        )
        approved = await approver.post(
            f"/tickets/{ticket_id}/approval", json={"decision": "approve", "reason": "budgeted"}
        )
        again = await approver.post(f"/tickets/{ticket_id}/approval", json={"decision": "approve"})
    assert below.json()["status"] == "new"
    assert at.json()["status"] == "pending_approval"
    assert skip_approval.status_code == 409
    assert skip_approval.json()["allowed_transitions"] == []
    assert agent_approves.status_code == 403
    assert approved.status_code == 200
    assert approved.json()["status"] == "open"
    assert again.status_code == 409
    events = await api.outbox_events(ticket_id)
    assert [e["type"] for e in events] == [
        "ticket.created",
        "ticket.approval_requested",
        "ticket.status_changed",
        "ticket.approval_decided",
    ]
    assert events[2]["data"]["previous_status"] == "pending_approval"
    assert events[2]["data"]["reason"] == "approved: budgeted"
    assert events[3]["data"]["approver_id"] == "boss-1"
    assert events[3]["data"]["via"] == "api"
    assert again.json()["decided_by"] == "boss-1"


async def test_rejected_request_is_closed(api: IntakeApi, keys: Keys) -> None:
    async with api.client(keys.agent) as agent, api.client(keys.approver) as approver:
        filed = await agent.post("/tickets", json=ticket_body("u-3", amount="12000"))
        rejected = await approver.post(
            f"/tickets/{filed.json()['id']}/approval", json={"decision": "reject"}
        )
    assert rejected.json()["status"] == "closed"


async def test_stale_etag_is_a_lost_update_412(api: IntakeApi, keys: Keys) -> None:
    async with api.client(keys.agent) as http:
        filed = await http.post("/tickets", json=ticket_body("u-4"))
        ticket_id, etag = filed.json()["id"], filed.headers["etag"]
        first = await http.patch(
            f"/tickets/{ticket_id}", json={"priority": "high"}, headers={"If-Match": etag}
        )
        lost = await http.patch(
            f"/tickets/{ticket_id}", json={"priority": "low"}, headers={"If-Match": etag}
        )
        current = await http.get(f"/tickets/{ticket_id}")
    assert first.status_code == 200
    assert first.headers["etag"] == '"2"'
    assert lost.status_code == 412
    assert lost.json()["current_version"] == 2
    assert current.json()["priority"] == "high"
    updated = (await api.outbox_events(ticket_id))[-1]
    assert updated["type"] == "ticket.updated"
    assert updated["data"]["changed"] == ["priority"]


async def test_idempotency_key_replays_and_refuses_a_different_body(
    api: IntakeApi, keys: Keys
) -> None:
    key = str(uuid.uuid4())
    body = ticket_body("u-5", subject=f"retry me {key}")
    async with api.client(keys.agent) as http:
        first, second = await asyncio.gather(
            http.post("/tickets", json=body, headers={"Idempotency-Key": key}),
            http.post("/tickets", json=body, headers={"Idempotency-Key": key}),
        )
        third = await http.post("/tickets", json=body, headers={"Idempotency-Key": key})
        changed = await http.post(
            "/tickets", json={**body, "subject": "other"}, headers={"Idempotency-Key": key}
        )
        found = await http.get("/tickets", params={"q": f"retry me {key}"})
    assert first.status_code == second.status_code == third.status_code == 201
    assert first.json()["id"] == second.json()["id"] == third.json()["id"]
    assert changed.status_code == 422
    assert len(found.json()["items"]) == 1
    assert len(await api.outbox_types(first.json()["id"])) == 1


async def test_a_ticket_filed_in_one_statement_answers_as_it_reads_back(
    api: IntakeApi, keys: Keys
) -> None:
    """The one-statement filing builds its answer without reading the row: every field of
    it, its event, its timeline entry and its search text are what a read shows."""
    await put_category(
        api, "laptops", required_skills=["hardware"], team="desk", approval_threshold="500"
    )
    key = str(uuid.uuid4())
    body = ticket_body(
        "u-77",
        subject=f"Laptop fan loud {key}",
        category="laptops",
        impact="medium",
        urgency="high",
        tags=["fan"],
        custom_fields={"asset_id": "LT-1", "floor": 3, "ratio": 0.5, "loaned": True},
        amount="12.50",
        watchers=["team:desk"],
        external_ref="EXT-9",
    )
    async with api.client(keys.agent) as http:
        filed = await http.post("/tickets", json=body, headers={"Idempotency-Key": key})
        assert filed.status_code == 201, filed.text
        ticket_id = filed.json()["id"]
        read = await http.get(f"/tickets/{ticket_id}")
        replayed = await http.post("/tickets", json=body, headers={"Idempotency-Key": key})
        timeline = await http.get(f"/tickets/{ticket_id}/timeline")
        found = await http.get("/tickets", params={"q": f"fan loud {key}"})
    assert filed.json() == read.json() == replayed.json()
    assert filed.headers["etag"] == read.headers["etag"] == '"1"'
    assert filed.headers["location"] == f"/tickets/{ticket_id}"
    assert replayed.headers["idempotent-replayed"] == "true"
    events = await api.outbox_events(ticket_id)
    assert [e["type"] for e in events] == ["ticket.created"]
    assert events[0]["data"]["amount"] == read.json()["amount"]
    assert [e["type"] for e in timeline.json()["items"]] == ["ticket.created"]
    assert timeline.json()["items"][0]["event_id"] == events[0]["id"]
    assert [t["id"] for t in found.json()["items"]] == [ticket_id]
