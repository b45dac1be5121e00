"""What requesters and approvers may read of a ticket: no internal notes, no internals."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, ticket_body
from ticketflow_common.envelope import EventData, new_event
from ticketflow_common.events import (
    NotificationFailed,
    NotificationSent,
    ScoreBreakdown,
    SlaStarted,
    TicketAssigned,
    TicketQueued,
)
from ticketflow_intake.domain.timeline import REQUESTER_FIELDS

pytestmark = pytest.mark.integration

INTERNAL_POLICY = "vip-gold-internal"


async def project(api: IntakeApi, data: EventData, *, ticket_id: str, at: datetime) -> None:
    """What intake's consumer does with another service's event: its event table, committed."""
    envelope = new_event(data, source="/tests/others", subject=ticket_id, time=at)
    assert await api.deliver(envelope) == "processed"


def sent(event_id: str, at: datetime) -> NotificationSent:
    return NotificationSent(
        delivery_id=uuid.uuid4(),
        endpoint_id=uuid.uuid4(),
        event_id=uuid.UUID(event_id),
        event_type_delivered="ticket.commented",
        attempts=1,
        delivered_at=at,
        latency_seconds=0.25,
    )


async def ticket_with_a_note_and_a_reply(api: IntakeApi, keys: Keys, word: str) -> dict[str, Any]:
    """A ticket with an internal note, a public reply, and what the other services said."""
    async with api.client(keys.requester) as requester, api.client(keys.agent) as agent:
        filed = await requester.post("/tickets", json=ticket_body(keys.requester_id))
        ticket_id = filed.json()["id"]
        note = await agent.post(
            f"/tickets/{ticket_id}/comments", json={"body": f"{word} dock", "public": False}
        )
        reply = await agent.post(f"/tickets/{ticket_id}/comments", json={"body": "On it"})
    assert note.status_code == reply.status_code == 201
    events = {e["data"].get("comment_id"): e for e in await api.outbox_events(ticket_id)}
    note_event, reply_event = events[note.json()["id"]]["id"], events[reply.json()["id"]]["id"]
    at = api.clock()
    agent_id, tid = uuid.uuid4(), uuid.UUID(ticket_id)
    others: list[EventData] = [
        TicketQueued(ticket_id=tid, required_skills=[], reason="no agent online", queued_at=at),
        TicketAssigned(
            ticket_id=tid,
            agent_id=agent_id,
            agent_name="Grace",
            team="network",
            assigned_at=at,
            agent_email="grace@corp.example",
            team_lead_email="lead@corp.example",
            strategy="skills_load",
            score=ScoreBreakdown(
                agent_id=agent_id,
                agent_name="Grace",
                total=0.9,
                proficiency=1,
                load=1,
                fairness=1,
                handling_time=0.5,
                load_before=0,
                capacity=5,
            ),
        ),
        SlaStarted(
            ticket_id=tid,
            clock_id=uuid.uuid4(),
            metric="resolution",
            policy=INTERNAL_POLICY,
            target_seconds=3600,
            started_at=at,
            due_at=at + timedelta(hours=1),
        ),
        sent(note_event, at),
        NotificationFailed(
            delivery_id=uuid.uuid4(),
            endpoint_id=uuid.uuid4(),
            event_id=uuid.UUID(note_event),
            event_type_delivered="ticket.commented",
            attempts=8,
            error="HTTP 500",
            failed_at=at,
        ),
        sent(reply_event, at),
    ]
    for n, data in enumerate(others):
        await project(api, data, ticket_id=ticket_id, at=at + timedelta(milliseconds=n))
    return {"id": ticket_id, "note_event": note_event, "reply_event": reply_event}


async def test_requester_timeline_is_the_allow_list_without_a_trace_of_internal_notes(
    api: IntakeApi, keys: Keys
) -> None:
    ticket = await ticket_with_a_note_and_a_reply(api, keys, "unicornfish")
    async with api.client(keys.requester) as requester, api.client(keys.agent) as agent:
        seen = await requester.get(f"/tickets/{ticket['id']}/timeline")
        everything = await agent.get(f"/tickets/{ticket['id']}/timeline")
    assert seen.status_code == everything.status_code == 200
    assert [e["type"] for e in seen.json()["items"]] == [
        "ticket.created",
        "ticket.commented",
        "ticket.queued",
        "ticket.assigned",
    ]
    assert ticket["note_event"] not in seen.text
    for leaked in ("delivery_id", "endpoint_id", "latency", INTERNAL_POLICY, "corp.example"):
        assert leaked not in seen.text
    for entry in seen.json()["items"]:
        assert set(entry["data"]) <= REQUESTER_FIELDS[entry["type"]], entry
    entries = {e["type"]: e["data"] for e in seen.json()["items"]}
    assert entries["ticket.assigned"] == {
        "ticket_id": ticket["id"],
        "agent_name": "Grace",
        "team": "network",
        "assigned_at": entries["ticket.assigned"]["assigned_at"],
    }
    assert entries["ticket.commented"]["public"] is True
    assert [e["type"] for e in everything.json()["items"]].count("notification.sent") == 2
    assert ticket["note_event"] in everything.text


async def test_approvers_who_are_not_agents_do_not_read_internal_notes(
    api: IntakeApi, keys: Keys
) -> None:
    word = f"n{uuid.uuid4().hex[:10]}"
    ticket = await ticket_with_a_note_and_a_reply(api, keys, word)
    async with api.client(keys.approver) as approver, api.client(keys.agent) as agent:
        comments = await approver.get(f"/tickets/{ticket['id']}/comments")
        timeline = await approver.get(f"/tickets/{ticket['id']}/timeline")
        found = await approver.get("/tickets", params={"q": word})
        found_by_agent = await agent.get("/tickets", params={"q": word})
        note = await approver.post(
            f"/tickets/{ticket['id']}/comments", json={"body": "psst", "public": False}
        )
    assert [c["body"] for c in comments.json()["items"]] == ["On it"]
    types = [e["type"] for e in timeline.json()["items"]]
    assert ticket["note_event"] not in timeline.text
    assert [
        e["data"]["public"] for e in timeline.json()["items"] if e["type"] == "ticket.commented"
    ] == [True]
    assert [
        e["data"]["event_id"] for e in timeline.json()["items"] if e["type"] == "notification.sent"
    ] == [ticket["reply_event"]]
    assert "notification.failed" not in types
    assert "sla.started" in types, "approvers still see the rest of the timeline"
    assert found.json()["items"] == [], "nor find tickets by what their notes say"
    assert [t["id"] for t in found_by_agent.json()["items"]] == [ticket["id"]]
    assert note.status_code == 403
