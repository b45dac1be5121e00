"""Intake's catalogue, credentials and a ticket's conversation and timeline walk to their end
in small pages, each item once."""

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, ticket_body
from tests.integration.paging import assert_bad_cursor_refused, walk_pages
from tests.support.clock import MONDAY
from ticketflow_common.pagination import encode_cursor

pytestmark = pytest.mark.integration


async def test_categories_and_credentials_walk_to_the_end(api: IntakeApi) -> None:
    for n in range(5):
        await api.key("agent", f"walker-{n}")
    async with api.admin as admin:
        for n in range(5):
            made = await admin.put(f"/categories/walk-{n}", json={"name": f"类别 {n}"})
            assert made.status_code in (200, 201), made.text
        categories = await walk_pages(admin, "/categories", key=lambda c: c["key"])
        assert [c["key"] for c in categories] == sorted(c["key"] for c in categories)
        assert {f"walk-{n}" for n in range(5)} <= {c["key"] for c in categories}
        keys = await walk_pages(admin, "/credentials", key=lambda c: c["id"])
        assert {f"walker-{n}" for n in range(5)} <= {c["subject"] for c in keys}
        await assert_bad_cursor_refused(admin, "/categories")
        await assert_bad_cursor_refused(admin, "/credentials")


async def test_a_tickets_comments_and_timeline_walk_to_the_end_as_each_role_may_read(
    api: IntakeApi, keys: Keys
) -> None:
    async with api.client(keys.requester) as requester:
        filed = await requester.post("/tickets", json=ticket_body(keys.requester_id))
    ticket_id = filed.json()["id"]
    comments, timeline = f"/tickets/{ticket_id}/comments", f"/tickets/{ticket_id}/timeline"
    async with api.client(keys.agent) as agent:
        for n in range(9):
            said = await agent.post(comments, json={"body": f"c{n}", "public": n % 3 != 1})
            assert said.status_code == 201, said.text
            if n % 2:
                api.clock.advance(30)  # the others share their time: the id breaks the tie
    readers = {"agent": keys.agent, "approver": keys.approver, "requester": keys.requester}
    for role, token in readers.items():
        async with api.client(token) as http:
            walked = await walk_pages(http, comments, key=lambda c: c["id"])
            whole = (await http.get(comments, params={"limit": "200"})).json()
            entries = await walk_pages(http, timeline, key=lambda e: e["event_id"], limit=1)
            at_once = (await http.get(timeline, params={"limit": "200"})).json()
        public = [f"c{n}" for n in range(9) if n % 3 != 1]
        bodies = {f"c{n}" for n in range(9)} if role == "agent" else set(public)
        assert {c["body"] for c in walked} == bodies, role
        assert (walked, whole["next_cursor"]) == (whole["items"], None), role
        order = [(c["created_at"], c["id"]) for c in walked]
        assert order == sorted(order), "oldest first, then by id"
        assert (entries, at_once["next_cursor"]) == (at_once["items"], None), role
        commented = [e for e in entries if e["type"] == "ticket.commented"]
        assert len(commented) == (9 if role == "agent" else len(public)), role
    async with api.client(keys.agent) as agent:
        first_comments = (await agent.get(comments, params={"limit": "1"})).json()["next_cursor"]
        first_entries = (await agent.get(timeline, params={"limit": "1"})).json()["next_cursor"]
        crossed = [
            await agent.get(timeline, params={"cursor": first_comments}),
            await agent.get(comments, params={"cursor": first_entries}),
            await agent.get(
                timeline,
                params={
                    "cursor": encode_cursor(
                        "intake.timeline", {"at": MONDAY.isoformat(), "id": "x"}
                    )
                },
            ),
        ]
        await assert_bad_cursor_refused(agent, comments)
        await assert_bad_cursor_refused(agent, timeline)
    for answer in crossed:
        assert answer.status_code == 422, answer.text
        assert "query:cursor" in answer.text
