"""The lifecycle, the conversation, transfer, escalation and CSAT, with the events they emit."""

from datetime import timedelta

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, announce_team, ticket_body

pytestmark = pytest.mark.integration


async def file(api: IntakeApi, keys: Keys) -> str:
    async with api.client(keys.requester) as http:
        filed = await http.post("/tickets", json=ticket_body(keys.requester_id))
    ticket_id: str = filed.json()["id"]
    return ticket_id


async def test_forbidden_transition_answers_409_with_the_allowed_ones(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    async with api.client(keys.agent) as http:
        closed = await http.post(f"/tickets/{ticket_id}/status", json={"status": "closed"})
        back = await http.post(f"/tickets/{ticket_id}/status", json={"status": "open"})
    assert closed.status_code == 200
    assert closed.json()["closed_at"] is not None
    assert back.status_code == 409
    assert back.json()["allowed_transitions"] == []
    assert back.json()["status_now"] == "closed"


async def test_walk_through_the_lifecycle_emits_each_change(api: IntakeApi, keys: Keys) -> None:
    ticket_id = await file(api, keys)
    async with api.client(keys.agent) as http:
        for status in ("open", "in_progress", "waiting_on_customer", "resolved"):
            moved = await http.post(f"/tickets/{ticket_id}/status", json={"status": status})
            assert moved.status_code == 200, moved.text
        resolved = moved.json()
        assert resolved["allowed_transitions"] == ["closed"]
        wrong = await http.post(f"/tickets/{ticket_id}/status", json={"status": "in_progress"})
    assert wrong.status_code == 409
    assert wrong.json()["allowed_transitions"] == ["closed"]
    events = await api.outbox_events(ticket_id)
    changes = [(e["data"]["previous_status"], e["data"]["status"]) for e in events[1:]]
    assert changes == [
        ("new", "open"),
        ("open", "in_progress"),
        ("in_progress", "waiting_on_customer"),
        ("waiting_on_customer", "resolved"),
    ]
    assert [e["data"]["version"] for e in events] == [1, 2, 3, 4, 5]


async def test_reopen_within_the_window_only(api: IntakeApi, keys: Keys) -> None:
    ticket_id = await file(api, keys)
    async with api.client(keys.agent) as agent, api.client(keys.requester) as requester:
        await agent.post(f"/tickets/{ticket_id}/status", json={"status": "resolved"})
        reopened = await requester.post(f"/tickets/{ticket_id}/reopen", json={"reason": "again"})
        await agent.post(f"/tickets/{ticket_id}/status", json={"status": "resolved"})
        api.clock.advance(timedelta(days=8).total_seconds())
        too_late = await requester.post(f"/tickets/{ticket_id}/reopen", json={"reason": "x"})
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["reopen_count"]) == ("open", 1)
    reopen_event = (await api.outbox_events(ticket_id))[2]
    assert reopen_event["data"]["reopened"] is True
    assert too_late.status_code == 409
    assert "window" in too_late.json()["detail"]


async def test_first_agent_reply_is_first_response_and_notes_stay_internal(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    async with api.client(keys.agent) as agent, api.client(keys.requester) as requester:
        note = await agent.post(
            f"/tickets/{ticket_id}/comments", json={"body": "suspect the dock", "public": False}
        )
        api.clock.advance(60)
        reply = await agent.post(f"/tickets/{ticket_id}/comments", json={"body": "On it"})
        api.clock.advance(60)
        second = await agent.post(f"/tickets/{ticket_id}/comments", json={"body": "Fixed?"})
        requester_note = await requester.post(
            f"/tickets/{ticket_id}/comments", json={"body": "psst", "public": False}
        )
        seen_by_requester = await requester.get(f"/tickets/{ticket_id}/comments")
        seen_by_agent = await agent.get(f"/tickets/{ticket_id}/comments")
        timeline = await requester.get(f"/tickets/{ticket_id}/timeline")
        ticket = await requester.get(f"/tickets/{ticket_id}")
    assert note.status_code == reply.status_code == second.status_code == 201
    assert requester_note.status_code == 403
    assert [c["body"] for c in seen_by_requester.json()["items"]] == ["On it", "Fixed?"]
    assert len(seen_by_agent.json()["items"]) == 3
    commented = [e["data"] for e in await api.outbox_events(ticket_id)][1:]
    assert [(c["public"], c["first_response"]) for c in commented] == [
        (False, False),
        (True, True),
        (True, False),
    ]
    assert ticket.json()["first_response_at"] is not None
    assert [
        e["data"]["public"] for e in timeline.json()["items"] if e["type"] == "ticket.commented"
    ] == [
        True,
        True,
    ]


async def test_requester_reply_moves_a_waiting_ticket_back_to_open(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    async with api.client(keys.agent) as agent, api.client(keys.requester) as requester:
        await agent.post(f"/tickets/{ticket_id}/status", json={"status": "waiting_on_customer"})
        await requester.post(f"/tickets/{ticket_id}/comments", json={"body": "here is the log"})
        ticket = await agent.get(f"/tickets/{ticket_id}")
    assert ticket.json()["status"] == "open"
    types = await api.outbox_types(ticket_id)
    assert types[-2:] == ["ticket.commented", "ticket.status_changed"]


async def test_transfer_and_escalation_record_who_and_why(api: IntakeApi, keys: Keys) -> None:
    ticket_id = await file(api, keys)
    await announce_team(api, "hardware")
    async with api.client(keys.agent) as agent:
        moved = await agent.post(
            f"/tickets/{ticket_id}/transfer", json={"team": "hardware", "reason": "it's the dock"}
        )
        same = await agent.post(
            f"/tickets/{ticket_id}/transfer", json={"team": "hardware", "reason": "again"}
        )
        up = await agent.post(f"/tickets/{ticket_id}/escalate", json={"reason": "VIP blocked"})
        timeline = await agent.get(f"/tickets/{ticket_id}/timeline")
    assert moved.json()["team"] == "hardware"
    assert same.status_code == 422
    assert up.json()["escalation_level"] == 1
    entries = {e["type"]: e["data"] for e in timeline.json()["items"]}
    assert entries["ticket.transferred"]["actor_id"] == "agent-grace"
    assert entries["ticket.transferred"]["reason"] == "it's the dock"
    assert (entries["ticket.transferred"]["from_team"], entries["ticket.transferred"]["team"]) == (
        None,
        "hardware",
    )
    assert entries["ticket.escalated"]["reason"] == "VIP blocked"


async def test_csat_once_by_the_requester_after_resolution(api: IntakeApi, keys: Keys) -> None:
    ticket_id = await file(api, keys)
    async with (
        api.client(keys.agent) as agent,
        api.client(keys.requester) as requester,
        api.client(keys.other_requester) as stranger,
    ):
        early = await requester.post(f"/tickets/{ticket_id}/feedback", json={"rating": 5})
        await agent.post(f"/tickets/{ticket_id}/status", json={"status": "resolved"})
        by_agent = await agent.post(f"/tickets/{ticket_id}/feedback", json={"rating": 5})
        by_stranger = await stranger.post(f"/tickets/{ticket_id}/feedback", json={"rating": 1})
        out_of_range = await requester.post(f"/tickets/{ticket_id}/feedback", json={"rating": 6})
        rated = await requester.post(
            f"/tickets/{ticket_id}/feedback", json={"rating": 4, "comment": "quick"}
        )
        twice = await requester.post(f"/tickets/{ticket_id}/feedback", json={"rating": 1})
    assert early.status_code == 409
    assert by_agent.status_code == 403
    assert by_stranger.status_code == 404
    assert out_of_range.status_code == 422
    assert out_of_range.json()["errors"][0]["field"] == "rating"
    assert rated.status_code == 201
    assert twice.status_code == 409
    last = (await api.outbox_events(ticket_id))[-1]
    assert last["type"] == "ticket.feedback_received"
    assert (last["data"]["rating"], last["data"]["comment"]) == (4, "quick")
