"""Finding tickets, who may see what, and the limits that protect the API."""

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from tests.integration.intake.conftest import AppFactory, IntakeApi, Keys, ticket_body

pytestmark = pytest.mark.integration


async def all_pages(http: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = await http.get(
            "/tickets", params={**params, **({"cursor": cursor} if cursor else {})}
        )
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


async def test_filters_full_text_and_sorting(api: IntakeApi, keys: Keys) -> None:
    tag = f"t{uuid.uuid4().hex[:8]}"
    async with api.client(keys.agent) as http:
        low = await http.post("/tickets", json=ticket_body("u-7", priority="low", tags=[tag]))
        urgent = await http.post(
            "/tickets",
            json=ticket_body("u-8", subject="Keyboard rattles", priority="urgent", tags=[tag]),
        )
        await http.post(
            f"/tickets/{low.json()['id']}/comments", json={"body": "the zebracorn firmware"}
        )
        await http.post(
            f"/tickets/{urgent.json()['id']}/comments",
            json={"body": "internal unicornfish remark", "public": False},
        )
        by_priority = await http.get("/tickets", params={"tag": tag, "sort": "priority"})
        urgent_only = await http.get("/tickets", params={"tag": tag, "priority": "urgent"})
        by_comment = await http.get("/tickets", params={"q": "zebracorn"})
        by_note = await http.get("/tickets", params={"q": "unicornfish"})
        by_requester = await http.get("/tickets", params={"tag": tag, "requester": "u-8"})
        bad_cursor = await http.get("/tickets", params={"cursor": "garbage"})
    assert [t["priority"] for t in by_priority.json()["items"]] == ["urgent", "low"]
    assert [t["id"] for t in urgent_only.json()["items"]] == [urgent.json()["id"]]
    assert [t["id"] for t in by_comment.json()["items"]] == [low.json()["id"]]
    assert [t["id"] for t in by_note.json()["items"]] == [urgent.json()["id"]]
    assert [t["id"] for t in by_requester.json()["items"]] == [urgent.json()["id"]]
    assert bad_cursor.status_code == 422


async def test_cursor_pages_stay_stable_while_tickets_are_created(
    api: IntakeApi, keys: Keys
) -> None:
    tag = f"p{uuid.uuid4().hex[:8]}"
    async with api.client(keys.agent) as http:
        for n in range(7):
            api.clock.advance(1)
            await http.post("/tickets", json=ticket_body("u-9", subject=f"page {n}", tags=[tag]))
        first = await http.get("/tickets", params={"tag": tag, "limit": 3})
        for n in range(3):
            api.clock.advance(1)
            await http.post("/tickets", json=ticket_body("u-9", subject=f"late {n}", tags=[tag]))
        rest = await all_pages(http, tag=tag, limit=3, cursor=first.json()["next_cursor"])
        everything = await all_pages(http, tag=tag, limit=4, sort="created_at")
    seen = [t["subject"] for t in first.json()["items"]] + [t["subject"] for t in rest]
    assert seen == [f"page {n}" for n in reversed(range(7))], "no duplicates, no gaps"
    assert [t["subject"] for t in everything] == [f"page {n}" for n in range(7)] + [
        f"late {n}" for n in range(3)
    ]


async def test_requesters_see_only_their_own_not_even_through_search(
    api: IntakeApi, keys: Keys
) -> None:
    secret_word = f"s{uuid.uuid4().hex[:10]}"
    async with api.client(keys.other_requester) as bob, api.client(keys.requester) as alice:
        bobs = await bob.post(
            "/tickets", json=ticket_body(keys.other_requester_id, subject=f"salary {secret_word}")
        )
        mine = await alice.post(
            "/tickets", json=ticket_body(keys.requester_id, subject=f"mine {secret_word}")
        )
        bob_id = bobs.json()["id"]
        direct = await alice.get(f"/tickets/{bob_id}")
        timeline = await alice.get(f"/tickets/{bob_id}/timeline")
        comment = await alice.post(f"/tickets/{bob_id}/comments", json={"body": "hi"})
        searched = await all_pages(alice, q=secret_word)
        by_requester = await all_pages(alice, requester=keys.other_requester_id)
        everything = await all_pages(alice, limit=200)
    assert direct.status_code == timeline.status_code == comment.status_code == 404
    assert direct.json()["detail"] == f"ticket {bob_id} not found"
    assert [t["id"] for t in searched] == [mine.json()["id"]]
    assert by_requester == []
    assert {t["requester"]["id"] for t in everything} == {keys.requester_id}


async def test_401_without_or_with_a_bad_key_403_without_the_scope(
    api: IntakeApi, keys: Keys
) -> None:
    revoked = await api.key("agent", "leaver")
    async with api.admin as admin:
        listed = await admin.get("/credentials")
        key_id = revoked.removeprefix("tfk_").split(".")[0]
        assert (await admin.delete(f"/credentials/{key_id}")).status_code == 204
    assert all("secret" not in c and "token" not in c for c in listed.json()["items"])
    async with api.client() as anonymous, api.client("tfk_nope.nope") as forged:
        assert (await anonymous.get("/tickets")).status_code == 401
        assert (await forged.get("/tickets")).status_code == 401
    async with api.client(revoked) as gone:
        assert (await gone.get("/tickets")).status_code == 401
    async with api.client(keys.requester) as requester, api.client(keys.agent) as agent:
        assert (await requester.put("/categories/x", json={"name": "x"})).status_code == 403
        assert (await agent.post("/credentials", json={})).status_code == 403
        assert (await requester.post(f"/tickets/{uuid.uuid4()}/status", json={})).status_code == 403
        unauthorized = await agent.get("/categories")
    assert unauthorized.status_code == 200


async def test_body_size_limit_and_rate_limit(make_api: AppFactory, api: IntakeApi) -> None:
    limited = await make_api(rate_limit_per_second=1, rate_limit_burst=3)
    # A key of its own: the limit is kept per key.
    async with limited.client(await api.key("agent", "rate-limited")) as http:
        too_big = await http.post(
            "/tickets", json=ticket_body("u-1", description="x" * (70 * 1024))
        )
        answers = await asyncio.gather(*(http.get("/categories") for _ in range(6)))
    assert too_big.status_code == 413
    assert too_big.headers["content-type"] == "application/problem+json"
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(429) >= 2
    refused = next(a for a in answers if a.status_code == 429)
    assert int(refused.headers["retry-after"]) >= 1
