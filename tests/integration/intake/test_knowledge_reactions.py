# ruff: noqa: RUF001
"""Knowledge's events through intake's event table: suggestions on the ticket's timeline (the
requester sees the public items only), "this solved it" resolving the ticket as self-service,
and a resolved problem noted on each linked ticket, resolving the open ones when asked; each
once, however often the event arrives."""

import uuid
from typing import Any

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, ticket_body
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import (
    KnowledgeSuggested,
    ProblemResolved,
    SuggestedItem,
    SuggestionAnswered,
)

pytestmark = pytest.mark.integration


async def file(api: IntakeApi, keys: Keys, subject: str = "VPN 每 10 分钟断一次") -> str:
    async with api.client(keys.requester) as http:
        filed = await http.post("/tickets", json=ticket_body(keys.requester_id, subject=subject))
    assert filed.status_code == 201, filed.text
    ticket_id: str = filed.json()["id"]
    return ticket_id


def item(title: str, *, public: bool) -> SuggestedItem:
    return SuggestedItem(
        kind="article",
        item_id=uuid.uuid4(),
        title=title,
        excerpt=f"{title}：先重启客户端",
        language="zh",
        public=public,
        score=1.5,
        matched_terms=["vpn"],
        why="matched vpn in the title",
    )


def suggested(api: IntakeApi, ticket_id: str, keys: Keys, *items: SuggestedItem) -> Envelope:
    data = KnowledgeSuggested(
        ticket_id=uuid.UUID(ticket_id),
        suggestion_id=uuid.uuid4(),
        language="zh",
        requester_id=keys.requester_id,
        requester_email="alice@example.com",
        items=list(items),
        suggested_at=api.clock(),
    )
    return new_event(data, source="/ticketflow/knowledge", subject=ticket_id, time=api.clock())


def answered(api: IntakeApi, ticket_id: str, *, by: str, solved: bool = True) -> SuggestionAnswered:
    return SuggestionAnswered(
        ticket_id=uuid.UUID(ticket_id),
        suggestion_id=uuid.uuid4(),
        kind="article",
        item_id=uuid.uuid4(),
        solved=solved,
        answered_by=by,
        answered_at=api.clock(),
    )


def problem_resolved(api: IntakeApi, ticket_ids: list[str], *, resolve: bool) -> Envelope:
    data = ProblemResolved(
        problem_id=uuid.uuid4(),
        title="VPN 网关证书过期",
        root_cause="the gateway's certificate expired",
        permanent_fix="证书已更新并设置自动续期",
        ticket_ids=[uuid.UUID(t) for t in ticket_ids],
        resolve_linked_tickets=resolve,
        resolved_by="agent-grace",
        resolved_at=api.clock(),
    )
    return new_event(
        data, source="/ticketflow/knowledge", subject=str(data.problem_id), time=api.clock()
    )


async def timeline(api: IntakeApi, token: str, ticket_id: str) -> list[dict[str, Any]]:
    async with api.client(token) as http:
        read = await http.get(f"/tickets/{ticket_id}/timeline")
    assert read.status_code == 200, read.text
    entries: list[dict[str, Any]] = read.json()["items"]
    return entries


async def status_of(api: IntakeApi, keys: Keys, ticket_id: str) -> str:
    async with api.client(keys.agent) as http:
        read = await http.get(f"/tickets/{ticket_id}")
    status: str = read.json()["status"]
    return status


async def status_changes(api: IntakeApi, ticket_id: str) -> list[dict[str, Any]]:
    return [
        e["data"]
        for e in await api.outbox_events(ticket_id)
        if e["type"] == "ticket.status_changed"
    ]


async def test_a_suggestion_is_on_the_timeline_and_the_requester_sees_only_its_public_items(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    public, internal = item("重置 VPN 客户端", public=True), item("网关内部排障手册", public=False)
    assert await api.deliver(suggested(api, ticket_id, keys, public, internal)) == "processed"
    hidden = suggested(api, ticket_id, keys, item("仅供坐席", public=False))
    assert await api.deliver(hidden) == "processed"

    entries = await timeline(api, keys.agent, ticket_id)
    staff = [e for e in entries if e["type"] == "knowledge.suggested"]
    assert [len(e["data"]["items"]) for e in staff] == [2, 1]
    assert staff[0]["data"]["requester_email"] == "alice@example.com"

    seen = await timeline(api, keys.requester, ticket_id)
    suggestions = [e for e in seen if e["type"] == "knowledge.suggested"]
    assert len(suggestions) == 1, "a suggestion without public items stays internal"
    assert suggestions[0]["data"]["items"] == [
        {
            "kind": "article",
            "item_id": str(public.item_id),
            "title": "重置 VPN 客户端",
            "excerpt": "重置 VPN 客户端：先重启客户端",
            "language": "zh",
        }
    ]
    text = str(seen)
    for leaked in ("网关内部排障手册", "仅供坐席", "alice@example.com", "score", "matched vpn"):
        assert leaked not in text


async def test_this_solved_it_resolves_the_ticket_as_self_service_by_the_requester_once(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    not_solved = answered(api, ticket_id, by=keys.requester_id, solved=False)
    assert await api.deliver(not_solved) == "processed"
    assert await status_of(api, keys, ticket_id) == "new"

    solved = api.harness.envelope(answered(api, ticket_id, by=keys.requester_id))
    assert await api.deliver(solved) == "processed"
    assert await api.deliver(solved) == "duplicate"
    # Even once the inbox has forgotten it, the event resolves nothing a second time.
    async with api.pool.acquire() as conn:
        await conn.execute("DELETE FROM processed_events WHERE event_id = $1", solved.id)
    assert await api.deliver(solved) == "processed"

    assert await status_of(api, keys, ticket_id) == "resolved"
    changes = await status_changes(api, ticket_id)
    assert [(c["previous_status"], c["status"], c["reason"]) for c in changes] == [
        ("new", "resolved", "self_service")
    ]
    assert (changes[0]["actor_id"], changes[0]["actor_role"]) == (keys.requester_id, "requester")

    seen = await timeline(api, keys.requester, ticket_id)
    assert [(e["type"], e["data"].get("solved")) for e in seen[1:]] == [
        ("suggestion.answered", False),
        ("suggestion.answered", True),
        ("ticket.status_changed", None),
    ]
    assert seen[-1]["data"]["status"] == "resolved"


async def test_a_late_answer_or_someone_elses_leaves_the_ticket_as_it_is(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    assert await api.deliver(answered(api, ticket_id, by=keys.other_requester_id)) == "processed"
    assert await status_of(api, keys, ticket_id) == "new"

    async with api.client(keys.agent) as agent:
        closed = await agent.post(f"/tickets/{ticket_id}/status", json={"status": "closed"})
    assert closed.status_code == 200, closed.text
    assert await api.deliver(answered(api, ticket_id, by=keys.requester_id)) == "processed"
    assert await status_of(api, keys, ticket_id) == "closed"
    assert [c["status"] for c in await status_changes(api, ticket_id)] == ["closed"]
    types = [e["type"] for e in await timeline(api, keys.agent, ticket_id)]
    assert types.count("suggestion.answered") == 2

    unknown = answered(api, str(uuid.uuid4()), by=keys.requester_id)
    assert await api.deliver(unknown) == "processed"


async def test_a_resolved_problem_notes_its_fix_on_each_ticket_and_resolves_the_open_ones(
    api: IntakeApi, keys: Keys
) -> None:
    open_one, done_one = await file(api, keys), await file(api, keys, "VPN 连不上")
    async with api.client(keys.agent) as agent:
        moved = await agent.post(f"/tickets/{done_one}/status", json={"status": "resolved"})
    assert moved.status_code == 200, moved.text
    unknown = str(uuid.uuid4())

    event = problem_resolved(api, [open_one, done_one, unknown, open_one], resolve=True)
    assert await api.deliver(event) == "processed"
    async with api.pool.acquire() as conn:
        await conn.execute("DELETE FROM processed_events WHERE event_id = $1", event.id)
    assert await api.deliver(event) == "processed"

    assert await status_of(api, keys, open_one) == await status_of(api, keys, done_one)
    changes = await status_changes(api, open_one)
    assert [(c["status"], c["reason"], c["actor_id"], c["actor_role"]) for c in changes] == [
        ("resolved", "problem_resolved", "system", "system")
    ]
    assert [c["reason"] for c in await status_changes(api, done_one)] == [None]

    for ticket_id in (open_one, done_one):
        notes = [
            e for e in await timeline(api, keys.agent, ticket_id) if e["type"] == "problem.resolved"
        ]
        assert len(notes) == 1
        assert notes[0]["data"]["permanent_fix"] == "证书已更新并设置自动续期"
        assert notes[0]["data"]["problem_id"] == event.data["problem_id"]
        assert "ticket_ids" not in notes[0]["data"]
        requester_types = [e["type"] for e in await timeline(api, keys.requester, ticket_id)]
        assert "problem.resolved" not in requester_types
    async with api.pool.acquire() as conn:
        assert (
            await conn.fetchval("SELECT count(*) FROM timeline WHERE ticket_id = $1", unknown) == 0
        )


async def test_a_resolved_problem_only_notes_its_tickets_when_not_asked_to_resolve_them(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    assert await api.deliver(problem_resolved(api, [ticket_id], resolve=False)) == "processed"
    assert await status_of(api, keys, ticket_id) == "new"
    types = [e["type"] for e in await timeline(api, keys.agent, ticket_id)]
    assert types == ["ticket.created", "problem.resolved"]
