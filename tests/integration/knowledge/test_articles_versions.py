"""Every version of an article is kept with its author; an edit is a new version by its caller,
refused (412) when it was made on a stale version; bad input names its field."""

import asyncio

import httpx

from tests.integration.knowledge.articles_support import new_article
from tests.integration.knowledge.conftest import KnowledgeHarness


async def test_a_new_article_is_a_draft_version_one_by_its_author(
    agent_api: httpx.AsyncClient,
) -> None:
    response = await agent_api.post(
        "/articles",
        json={"title": "Printer offline", "body": "Power-cycle it.", "language": "en"},
    )
    assert response.status_code == 201
    article = response.json()
    assert response.headers["Location"] == f"/articles/{article['id']}"
    assert response.headers["ETag"] == '"1"'
    assert article["status"] == "draft"
    assert article["version"] == 1
    assert article["published_version"] is None
    assert article["author_id"] == "a-1"
    assert article["version_author_id"] == "a-1"
    assert article["visibility"] == "internal"
    assert article["tags"] == []


async def test_each_edit_is_a_new_version_by_the_caller_and_every_version_is_kept(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient, agent_api: httpx.AsyncClient
) -> None:
    article = await new_article(agent_api, title="First title")
    path = f"/articles/{article['id']}"
    knowledge.clock.advance(seconds=60)
    edited = await api.patch(path, json={"title": "Second title", "note": "clearer"})
    assert edited.status_code == 200
    assert edited.headers["ETag"] == '"2"'
    assert edited.json()["version"] == 2
    assert edited.json()["version_author_id"] == "admin"
    assert edited.json()["author_id"] == "a-1"
    assert edited.json()["body"] == article["body"]  # what was not sent is kept

    third = await agent_api.patch(path, json={"category": None, "tags": ["vpn", "远程"]})
    assert third.json()["version"] == 3
    assert third.json()["category"] is None
    assert third.json()["tags"] == ["vpn", "远程"]

    versions = (await api.get(f"{path}/versions")).json()["items"]
    assert [(v["version"], v["title"], v["author_id"]) for v in versions] == [
        (3, "Second title", "a-1"),
        (2, "Second title", "admin"),
        (1, "First title", "a-1"),
    ]
    assert versions[1]["note"] == "clearer"
    first = (await api.get(f"{path}/versions/1")).json()
    assert first["title"] == "First title"
    assert first["category"] == "network"
    assert first["created_at"] != versions[1]["created_at"]
    rows = await knowledge.fetch(
        "SELECT version FROM article_versions WHERE article_id = $1 ORDER BY version",
        article["id"],
    )
    assert [r["version"] for r in rows] == [1, 2, 3]


async def test_an_edit_that_changes_nothing_saves_no_version(api: httpx.AsyncClient) -> None:
    article = await new_article(api)
    same = await api.patch(f"/articles/{article['id']}", json={"title": article["title"]})
    assert same.status_code == 200
    assert same.json()["version"] == 1
    assert len((await api.get(f"/articles/{article['id']}/versions")).json()["items"]) == 1


async def test_an_edit_on_a_stale_version_is_refused_and_saves_nothing(
    api: httpx.AsyncClient,
) -> None:
    article = await new_article(api)
    path = f"/articles/{article['id']}"
    fresh = await api.patch(path, json={"body": "Step one."}, headers={"If-Match": '"1"'})
    assert fresh.status_code == 200
    assert fresh.json()["version"] == 2
    stale = await api.patch(path, json={"body": "Lost update."}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["ETag"] == '"2"'
    assert (await api.get(path)).json()["body"] == "Step one."
    malformed = await api.patch(path, json={"body": "x"}, headers={"If-Match": "2"})
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "header:If-Match"


async def test_of_two_edits_on_the_same_version_one_wins_and_the_other_is_told(
    api: httpx.AsyncClient, agent_api: httpx.AsyncClient
) -> None:
    article = await new_article(api)
    path = f"/articles/{article['id']}"
    answers = await asyncio.gather(
        api.patch(path, json={"body": "Admin's"}, headers={"If-Match": '"1"'}),
        agent_api.patch(path, json={"body": "Agent's"}, headers={"If-Match": '"1"'}),
    )
    assert sorted(a.status_code for a in answers) == [200, 412]
    winner = next(a for a in answers if a.status_code == 200).json()
    versions = (await api.get(f"{path}/versions")).json()["items"]
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["body"] == winner["body"]


async def test_bad_input_is_refused_naming_the_field(api: httpx.AsyncClient) -> None:
    good = {"title": "T", "body": "B", "language": "en"}
    cases = [
        ({**good, "title": "   "}, "title"),
        ({**good, "language": "English"}, "language"),
        ({**good, "body": "x" * 100_001}, "body"),
        ({**good, "tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({**good, "visibility": "secret"}, "visibility"),
        ({**good, "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        response = await api.post("/articles", json=body)
        assert response.status_code == 422, (field, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    article = await new_article(api)
    empty_title = await api.patch(f"/articles/{article['id']}", json={"title": ""})
    assert empty_title.status_code == 422
    assert empty_title.json()["errors"][0]["field"] == "title"
    null_body = await api.patch(f"/articles/{article['id']}", json={"body": None})
    assert null_body.status_code == 422
    assert null_body.json()["errors"][0]["field"] == "body"
    assert [a["id"] for a in (await api.get("/articles")).json()["items"]] == [article["id"]]


async def test_unknown_ids_and_versions_are_404(api: httpx.AsyncClient) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    assert (await api.get(f"/articles/{unknown}")).status_code == 404
    assert (await api.patch(f"/articles/{unknown}", json={"title": "x"})).status_code == 404
    assert (await api.post(f"/articles/{unknown}/publish")).status_code == 404
    assert (await api.post(f"/articles/{unknown}/archive")).status_code == 404
    assert (await api.get(f"/articles/{unknown}/versions")).status_code == 404
    article = await new_article(api)
    assert (await api.get(f"/articles/{article['id']}/versions/2")).status_code == 404
    assert (await api.get("/articles/not-a-uuid")).status_code == 422


async def test_requesters_may_not_write_or_read_versions(
    api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    article = await new_article(api, visibility="public")
    path = f"/articles/{article['id']}"
    body = {"title": "T", "body": "B", "language": "en"}
    assert (await requester_api.post("/articles", json=body)).status_code == 403
    assert (await requester_api.patch(path, json={"title": "x"})).status_code == 403
    assert (await requester_api.post(f"{path}/publish")).status_code == 403
    assert (await requester_api.post(f"{path}/archive")).status_code == 403
    assert (await requester_api.get(f"{path}/versions")).status_code == 403
    assert (await requester_api.get(f"{path}/versions/1")).status_code == 403
    assert (await api.get(path)).json()["status"] == "draft"


async def test_markdown_is_rendered_without_raw_html(api: httpx.AsyncClient) -> None:
    article = await new_article(
        api,
        body="# 步骤\n\n<script>alert('x')</script>\n\n[click](javascript:alert(1)) **重启**",
    )
    html = article["body_html"]
    assert "<h1>步骤</h1>" in html
    assert "<strong>重启</strong>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
