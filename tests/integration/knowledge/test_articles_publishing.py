"""Publishing a version makes it what search finds and readers see, and says so once with
`article.published`; an edit waits for its own publication; archiving hides the article."""

import httpx
from prometheus_client import REGISTRY

from tests.integration.knowledge.articles_support import new_article, published
from tests.integration.knowledge.conftest import KnowledgeHarness

PUBLISHED_TOTAL = "ticketflow_knowledge_articles_published_total"


def published_count() -> float:
    return REGISTRY.get_sample_value(PUBLISHED_TOTAL) or 0.0


async def indexed(knowledge: KnowledgeHarness, article_id: str) -> dict[str, object] | None:
    row = await knowledge.fetchrow(
        "SELECT title, body, tags, category, public, live FROM search_items"
        " WHERE kind = 'article' AND item_id = $1",
        article_id,
    )
    return None if row is None else dict(row)


async def found_ids(client: httpx.AsyncClient, q: str, **params: str) -> list[str]:
    response = await client.get("/articles", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()["items"]]


async def test_publishing_emits_one_event_with_the_version_published(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient, agent_api: httpx.AsyncClient
) -> None:
    article = await new_article(agent_api, tags=["vpn", "远程办公"], visibility="public")
    assert await knowledge.outbox(article["id"]) == []
    before = published_count()
    knowledge.clock.advance(seconds=30)
    response = await api.post(f"/articles/{article['id']}/publish")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["published_version"] == 1
    again = await api.post(f"/articles/{article['id']}/publish", json={"version": 1})
    assert again.status_code == 200
    assert again.json()["published_at"] == response.json()["published_at"]

    events = await knowledge.outbox(article["id"])
    assert [e["type"] for e in events] == ["article.published"]
    data = events[0]["data"]
    assert data["article_id"] == article["id"]
    assert data["version"] == 1
    assert data["title"] == article["title"]
    assert data["language"] == "en"
    assert data["category"] == "network"
    assert data["tags"] == ["vpn", "远程办公"]
    assert data["visibility"] == "public"
    assert data["author_id"] == "a-1"
    assert data["published_at"] == response.json()["published_at"]
    assert published_count() == before + 1


async def test_a_draft_is_not_searchable_until_published(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    article = await new_article(api, title="Printer jams on tray two")
    assert await indexed(knowledge, article["id"]) is None
    assert await found_ids(api, "printer") == []
    await api.post(f"/articles/{article['id']}/publish")
    row = await indexed(knowledge, article["id"])
    assert row is not None
    assert row["live"] is True
    assert row["public"] is False
    assert row["tags"] == ["vpn"]
    assert await found_ids(api, "printer") == [article["id"]]


async def test_an_edit_of_a_published_article_is_searched_only_once_published(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    article = await published(api, title="Reset your password", visibility="public")
    path = f"/articles/{article['id']}"
    edit = await api.patch(path, json={"title": "Unlock your account", "body": "Call the desk."})
    assert edit.json()["status"] == "published"
    assert edit.json()["unpublished_changes"] is True
    row = await indexed(knowledge, article["id"])
    assert row is not None
    assert row["title"] == "Reset your password"
    assert await found_ids(api, "unlock") == []
    assert await found_ids(api, "password") == [article["id"]]
    seen = (await requester_api.get(path)).json()
    assert seen["title"] == "Reset your password"
    assert seen["version"] == 1

    await api.post(path + "/publish")
    row = await indexed(knowledge, article["id"])
    assert row is not None
    assert row["title"] == "Unlock your account"
    assert await found_ids(api, "unlock") == [article["id"]]
    assert await found_ids(api, "password") == []
    assert (await requester_api.get(path)).json()["version"] == 2
    events = await knowledge.outbox(article["id"])
    assert [e["data"]["version"] for e in events] == [1, 2]


async def test_an_older_version_can_be_published_again(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    article = await published(api, title="Old advice")
    path = f"/articles/{article['id']}"
    await api.patch(path, json={"title": "New advice"})
    await api.post(path + "/publish")
    back = await api.post(path + "/publish", json={"version": 1})
    assert back.json()["published_version"] == 1
    assert back.json()["latest_version"] == 2
    row = await indexed(knowledge, article["id"])
    assert row is not None
    assert row["title"] == "Old advice"
    versions = (await api.get(path + "/versions")).json()["items"]
    assert [v["published"] for v in versions] == [False, True]
    missing = await api.post(path + "/publish", json={"version": 3})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "version"


async def test_archiving_hides_it_from_search_and_publishing_brings_it_back(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    article = await published(api, title="Printer driver install", visibility="public")
    path = f"/articles/{article['id']}"
    archived = await api.post(path + "/archive")
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"
    row = await indexed(knowledge, article["id"])
    assert row is not None
    assert row["live"] is False
    assert await found_ids(api, "printer") == []
    assert (await requester_api.get(path)).status_code == 404
    assert (await api.post(path + "/archive")).json()["archived_at"] == archived.json()[
        "archived_at"
    ]
    assert (await api.get(path)).json()["status"] == "archived"
    restored = await api.post(path + "/publish")
    assert restored.json()["status"] == "published"
    assert restored.json()["archived_at"] is None
    assert await found_ids(api, "printer") == [article["id"]]
    assert len(await knowledge.outbox(article["id"])) == 2
