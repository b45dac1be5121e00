"""Closed tickets are final, transfers name a team routing announced, categories retire."""

import uuid
from typing import Any

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, announce_team, ticket_body

pytestmark = pytest.mark.integration


async def file(api: IntakeApi, keys: Keys, **fields: Any) -> str:
    async with api.client(keys.requester) as http:
        filed = await http.post("/tickets", json=ticket_body(keys.requester_id, **fields))
    assert filed.status_code == 201, filed.text
    ticket_id: str = filed.json()["id"]
    return ticket_id


def team_name() -> str:
    return f"team-{uuid.uuid4().hex[:8]}"


async def test_a_closed_ticket_refuses_edits_transfers_escalations_and_comments(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    team = team_name()
    await announce_team(api, team)
    async with api.client(keys.agent) as agent, api.client(keys.requester) as requester:
        await agent.post(f"/tickets/{ticket_id}/status", json={"status": "closed"})
        before = (await agent.get(f"/tickets/{ticket_id}")).json()
        outbox_before = await api.outbox_types(ticket_id)
        answers = {
            "edit": await agent.patch(f"/tickets/{ticket_id}", json={"subject": "new subject"}),
            "transfer": await agent.post(
                f"/tickets/{ticket_id}/transfer", json={"team": team, "reason": "r"}
            ),
            "escalate": await agent.post(f"/tickets/{ticket_id}/escalate", json={"reason": "r"}),
            "comment": await agent.post(f"/tickets/{ticket_id}/comments", json={"body": "hi"}),
        }
        after = (await agent.get(f"/tickets/{ticket_id}")).json()
        outbox_after = await api.outbox_types(ticket_id)
        feedback = await requester.post(f"/tickets/{ticket_id}/feedback", json={"rating": 4})
    for action, answer in answers.items():
        assert answer.status_code == 409, (action, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["requested"] == action
        assert problem["status_now"] == "closed"
        assert problem["allowed_actions"] == ["read", "feedback"]
        assert problem["allowed_transitions"] == []
        assert "closed ticket" in problem["detail"]
    assert after == before
    assert outbox_after == outbox_before
    assert feedback.status_code == 201


async def test_transfer_names_a_live_team_that_routing_announced(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    unknown, archived, live = team_name(), team_name(), team_name()
    await announce_team(api, archived, version=2, archived=True)
    await announce_team(api, archived, version=1)  # older, arrives late: changes nothing
    await announce_team(api, live)
    async with api.client(keys.agent) as agent:
        to_unknown = await agent.post(
            f"/tickets/{ticket_id}/transfer", json={"team": unknown, "reason": "r"}
        )
        to_archived = await agent.post(
            f"/tickets/{ticket_id}/transfer", json={"team": archived, "reason": "r"}
        )
        unchanged = (await agent.get(f"/tickets/{ticket_id}")).json()
        to_live = await agent.post(
            f"/tickets/{ticket_id}/transfer", json={"team": live, "reason": "r"}
        )
    for refused, reason in ((to_unknown, "known to routing"), (to_archived, "archived")):
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["errors"]
        assert error["field"] == "team"
        assert reason in error["reason"]
    assert unchanged["team"] is None
    assert unchanged["version"] == 1
    assert to_live.status_code == 200, to_live.text
    assert to_live.json()["team"] == live
    assert await api.outbox_types(ticket_id) == ["ticket.created", "ticket.transferred"]


async def test_a_category_in_use_is_refused_then_archived_and_can_come_back(
    api: IntakeApi, keys: Keys
) -> None:
    key = f"cat-{uuid.uuid4().hex[:8]}"
    async with api.admin as admin:
        assert (await admin.put(f"/categories/{key}", json={"name": "Desks"})).status_code == 200
        ticket_id = await file(api, keys, category=key)
        refused = await admin.delete(f"/categories/{key}")
        listed = [c["key"] for c in (await admin.get("/categories")).json()["items"]]
        async with api.client(keys.agent) as agent:
            not_admin = await agent.delete(f"/categories/{key}")
            await agent.post(f"/tickets/{ticket_id}/status", json={"status": "resolved"})
            archived = await admin.delete(f"/categories/{key}")
            again = await admin.delete(f"/categories/{key}")
            other = await file(api, keys)
            patched = await agent.patch(f"/tickets/{other}", json={"category": key})
        listed_after = [c["key"] for c in (await admin.get("/categories")).json()["items"]]
        async with api.client(keys.requester) as requester:
            new = await requester.post(
                "/tickets", json=ticket_body(keys.requester_id, category=key)
            )
        back = await admin.put(f"/categories/{key}", json={"name": "Desks again"})
        listed_back = [c["key"] for c in (await admin.get("/categories")).json()["items"]]
    assert refused.status_code == 409
    assert refused.json()["used_by"] == [{"kind": "open_ticket", "count": 1, "ids": [ticket_id]}]
    assert key in listed
    assert not_admin.status_code == 403
    assert archived.status_code == 204
    assert again.status_code == 404
    assert key not in listed_after
    for answer in (new, patched):
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "category"
    assert back.status_code == 200
    assert key in listed_back
