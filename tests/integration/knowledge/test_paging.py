"""Knowledge's lists walked to their end a few items a page: articles (newest, published and
ranked), the FAQ, known errors (listed and ranked) and solutions (newest and ranked). Ties in
time or score are broken by id, so no item is skipped or shown twice; a cursor of another list
is refused."""

from typing import Any

import httpx

from tests.integration.knowledge.articles_support import new_article, published
from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.problem_steps import known_error, new_problem
from tests.integration.knowledge.solution_events import solved
from tests.integration.paging import assert_bad_cursor_refused, walk_pages
from ticketflow_common.pagination import encode_cursor


async def whole(client: httpx.AsyncClient, path: str, **params: str) -> list[dict[str, Any]]:
    """The list in one page, to compare the walk with."""
    response = await client.get(path, params={**params, "limit": "200"})
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def walked_ids(client: httpx.AsyncClient, path: str, key: str, **params: str) -> list[str]:
    """The ids of a walk at two a page, checked against the one-page list."""
    walked = await walk_pages(client, path, key=lambda i: i[key], params=params, limit=2)
    assert walked == await whole(client, path, **params)
    return [str(i[key]) for i in walked]


async def foreign_cursor(client: httpx.AsyncClient, path: str, **params: str) -> str:
    """A real next_cursor of a list, to hand to another."""
    page = (await client.get(path, params={**params, "limit": "1"})).json()
    cursor: str = page["next_cursor"]
    assert cursor is not None
    return cursor


async def assert_refused(client: httpx.AsyncClient, path: str, cursor: str, **params: str) -> None:
    got = await client.get(path, params={**params, "cursor": cursor})
    assert got.status_code == 422, got.text
    assert "query:cursor" in got.text


async def test_articles_walk_newest_first_published_first_and_ranked(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    made = [await published(api, title=f"Printer jams {n}", visibility="public") for n in range(3)]
    knowledge.clock.advance(seconds=5)  # the rest tie in time: their ids order them
    made += [
        await published(api, title=f"Printer jams {n}", visibility="public") for n in range(3, 5)
    ]
    made.append(await new_article(api, title="Printer draft"))

    staff = await walked_ids(api, "/articles", "id")
    assert set(staff) == {a["id"] for a in made}
    public = await walked_ids(requester_api, "/articles", "id")
    assert set(public) == {a["id"] for a in made[:5]}
    ranked = await walk_pages(api, "/articles", key=lambda a: a["id"], params={"q": "printer jams"})
    assert {a["id"] for a in ranked} == {a["id"] for a in made[:5]}
    assert [a["score"] for a in ranked] == sorted((a["score"] for a in ranked), reverse=True)
    assert await walked_ids(api, "/articles", "id", q="printer jams") == [a["id"] for a in ranked]

    await assert_bad_cursor_refused(api, "/articles")
    newest = await foreign_cursor(api, "/articles")
    await assert_refused(api, "/articles", newest, q="printer")
    await assert_refused(requester_api, "/articles", newest)
    await assert_refused(api, "/faq", newest)


async def test_the_faq_walks_by_category_uncategorised_last_then_title(
    api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    for category in ("network", None, "打印"):
        for title in ("B", "A", "A"):  # two of one title: their ids order them
            await published(api, title=title, visibility="public", category=category)

    walked = await walk_pages(requester_api, "/faq", key=lambda e: e["id"], limit=2)
    assert walked == await whole(requester_api, "/faq")
    assert [(e["category"], e["title"]) for e in walked] == [
        (c, t) for c in ("network", "打印", None) for t in ("A", "A", "B")
    ]
    await assert_bad_cursor_refused(requester_api, "/faq")
    await assert_refused(requester_api, "/faq", await foreign_cursor(api, "/articles"))
    for version in (2, 2**40, "1"):  # no such version, beyond any, not a number
        made = encode_cursor("knowledge.faq", {"id": walked[0]["id"], "version": version})
        await assert_refused(requester_api, "/faq", made)


async def test_a_faq_cursor_after_the_longest_chinese_title_and_category_is_short_enough(
    api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    category, title = "网" * 80, "打" * 200
    for _ in range(3):
        await published(api, title=title, visibility="public", category=category)
    walked = await walk_pages(requester_api, "/faq", key=lambda e: e["id"], limit=1)
    assert [(e["category"], e["title"]) for e in walked] == [(category, title)] * 3


async def test_known_errors_walk_listed_and_ranked(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    ids = []
    for n in range(5):
        problem = await new_problem(api, title=f"打印机掉线 {n}")
        await known_error(api, problem["problem_id"])
        ids.append(problem["problem_id"])
        if n == 1:
            knowledge.clock.advance(seconds=60)
    resolved_first = await new_problem(
        api, title="邮件发送延迟", description="邮件排队。", category="邮件"
    )
    await api.post(
        f"/problems/{resolved_first['problem_id']}/resolve", json={"permanent_fix": "扩容"}
    )
    ids.append(resolved_first["problem_id"])

    listed = await walked_ids(api, "/known-errors", "problem_id")
    assert set(listed) == set(ids)
    ranked = await walked_ids(api, "/known-errors", "problem_id", q="打印机掉线")
    assert set(ranked) == set(ids[:5])

    await assert_bad_cursor_refused(api, "/known-errors")
    listed_cursor = await foreign_cursor(api, "/known-errors")
    await assert_refused(api, "/known-errors", listed_cursor, q="打印机")
    ranked_cursor = await foreign_cursor(api, "/known-errors", q="打印机掉线")
    await assert_refused(api, "/known-errors", ranked_cursor)
    await assert_refused(api, "/problems", listed_cursor)


async def test_solutions_walk_newest_mark_first_and_ranked(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    tickets = []
    for n in range(5):
        created = knowledge.created(subject=f"Printer jams on floor {n}", category="printer")
        await solved(knowledge, created, "Open tray 2 and remove the paper.")
        tickets.append(str(created.ticket_id))
        if n == 2:
            knowledge.clock.advance(seconds=60)

    listed = await walked_ids(api, "/solutions", "ticket_id")
    assert set(listed) == set(tickets)
    ranked = await walked_ids(api, "/solutions", "ticket_id", q="printer jams")
    assert set(ranked) == set(tickets)
    assert await walked_ids(api, "/solutions", "ticket_id", q="printer jams", category="printer")

    await assert_bad_cursor_refused(api, "/solutions")
    newest = await foreign_cursor(api, "/solutions")
    await assert_refused(api, "/solutions", newest, q="printer")
    await assert_refused(api, "/known-errors", newest)


async def test_a_hand_made_version_cursor_beyond_any_version_is_refused(
    api: httpx.AsyncClient,
) -> None:
    article = await published(api, title="Printer jams")
    path = f"/articles/{article['id']}/versions"
    for version in (2**40, 0, True, "1"):  # beyond an int column, none, not a number
        await assert_refused(
            api, path, encode_cursor(f"knowledge.versions.{article['id']}", {"version": version})
        )
