"""Requesters read published public articles only, at their published version; staff filter
and search everything; the FAQ lists what is public by category; Chinese round-trips and is
found."""

import httpx

from tests.integration.knowledge.articles_support import new_article, published
from tests.integration.knowledge.conftest import KnowledgeHarness

PRINTER = {
    "title": "三楼打印机无法连接网络",
    "body": "先重启打印机，再检查网线是否插好。",  # noqa: RUF001 (Chinese punctuation)
    "language": "zh",
    "category": "打印",
    "tags": ["打印机", "网络"],
    "visibility": "public",
}


async def test_requesters_see_only_published_public_articles_at_their_published_version(
    api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    draft = await new_article(api, visibility="public", title="Draft")
    internal = await published(api, visibility="internal", title="Internal")
    public = await published(api, visibility="public", title="Public")
    await api.patch(f"/articles/{public['id']}", json={"title": "Public, edited"})

    for hidden in (draft, internal):
        assert (await requester_api.get(f"/articles/{hidden['id']}")).status_code == 404
    seen = await requester_api.get(f"/articles/{public['id']}")
    assert seen.status_code == 200
    assert seen.json()["title"] == "Public"
    assert seen.json()["version"] == 1
    assert seen.headers["ETag"] == '"1"'
    assert (await api.get(f"/articles/{public['id']}")).json()["title"] == "Public, edited"

    listed = (await requester_api.get("/articles")).json()["items"]
    assert [(a["id"], a["title"], a["version"]) for a in listed] == [(public["id"], "Public", 1)]
    assert (await requester_api.get("/articles", params={"status": "draft"})).json()["items"] == []
    staff = (await api.get("/articles")).json()["items"]
    assert {a["id"] for a in staff} == {draft["id"], internal["id"], public["id"]}


async def test_a_published_article_made_internal_by_a_draft_stays_public_until_published(
    api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    article = await published(api, visibility="public")
    path = f"/articles/{article['id']}"
    await api.patch(path, json={"visibility": "internal"})
    assert (await requester_api.get(path)).status_code == 200
    await api.post(path + "/publish")
    assert (await requester_api.get(path)).status_code == 404
    assert (await requester_api.get("/articles", params={"q": "VPN"})).json()["items"] == []


async def test_staff_filter_by_status_visibility_language_category_and_tag(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    vpn = await published(api, visibility="public")
    knowledge.clock.advance(seconds=1)
    printer = await new_article(api, **PRINTER)
    knowledge.clock.advance(seconds=1)
    internal = await new_article(api, title="Laptop setup", category="hardware", tags=["laptop"])

    async def ids(**params: str) -> list[str]:
        response = await api.get("/articles", params=params)
        assert response.status_code == 200, response.text
        return [a["id"] for a in response.json()["items"]]

    assert await ids(status="published") == [vpn["id"]]
    assert await ids(status="draft") == [internal["id"], printer["id"]]
    assert await ids(visibility="public") == [printer["id"], vpn["id"]]
    assert await ids(language="zh") == [printer["id"]]
    assert await ids(category="hardware") == [internal["id"]]
    assert await ids(tag="网络") == [printer["id"]]
    assert await ids(limit="1") == [internal["id"]]
    bad = await api.get("/articles", params={"status": "gone"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query:status"
    assert (await api.get("/articles", params={"limit": "201"})).status_code == 422


async def test_chinese_round_trips_and_a_word_inside_the_title_finds_it(
    api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    article = await published(api, **PRINTER)
    await published(api, title="VPN keeps disconnecting", visibility="public")
    read = (await requester_api.get(f"/articles/{article['id']}")).json()
    assert read["title"] == PRINTER["title"]
    assert read["body"] == PRINTER["body"]
    assert read["tags"] == ["打印机", "网络"]
    assert read["category"] == "打印"

    found = (await requester_api.get("/articles", params={"q": "打印机"})).json()["items"]
    assert [a["id"] for a in found] == [article["id"]]
    assert found[0]["score"] > 0
    assert "打印机" in found[0]["why"]
    by_tag_word = (await api.get("/articles", params={"q": "网络", "language": "zh"})).json()[
        "items"
    ]
    assert [a["id"] for a in by_tag_word] == [article["id"]]
    narrowed = await api.get("/articles", params={"q": "打印机", "category": "network"})
    assert narrowed.json() == {"items": [], "next_cursor": None}


async def test_search_ranks_title_matches_first_and_hides_internal_from_requesters(
    api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    in_title = await published(
        api, title="Printer offline", body="Power-cycle it.", visibility="public"
    )
    in_body = await published(
        api, title="Office moves", body="The printer moves too.", visibility="public"
    )
    internal = await published(api, title="Printer admin password", visibility="internal")
    staff = [a["id"] for a in (await api.get("/articles", params={"q": "printer"})).json()["items"]]
    assert staff[-1] == in_body["id"]
    assert set(staff) == {in_title["id"], in_body["id"], internal["id"]}
    public = (await requester_api.get("/articles", params={"q": "printer"})).json()["items"]
    assert [a["id"] for a in public] == [in_title["id"], in_body["id"]]


async def test_the_faq_lists_published_public_articles_by_category(
    api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    printer = await published(api, **PRINTER)
    vpn_b = await published(api, title="VPN: b", visibility="public", category="network")
    vpn_a = await published(api, title="VPN: a", visibility="public", category="network")
    loose = await published(api, title="Welcome", visibility="public", category=None)
    await published(api, title="Internal", visibility="internal", category="network")
    await new_article(api, title="Draft", visibility="public", category="network")
    archived = await published(api, title="Old", visibility="public", category="network")
    await api.post(f"/articles/{archived['id']}/archive")

    response = await requester_api.get("/faq")
    assert response.status_code == 200
    entries = response.json()["items"]
    assert [(e["category"], e["id"]) for e in entries] == [
        ("network", vpn_a["id"]),
        ("network", vpn_b["id"]),
        ("打印", printer["id"]),
        (None, loose["id"]),
    ]
    first = entries[2]
    assert first["title"] == PRINTER["title"]
    assert "<p>先重启打印机" in first["body_html"]
    zh = (await requester_api.get("/faq", params={"language": "zh"})).json()["items"]
    assert [e["category"] for e in zh] == ["打印"]
    network = (await api.get("/faq", params={"category": "network"})).json()["items"]
    assert [e["category"] for e in network] == ["network", "network"]
    assert (await api.get("/faq", params={"language": "Chinese"})).status_code == 422
