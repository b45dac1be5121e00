"""The knowledge demo seeder against a fake knowledge API: it publishes every article, declares
and resolves the problems, a re-run changes nothing, and its questions are asked in zh and en."""

import json
import uuid
from typing import Any

import httpx
import pytest

from tools.seed_knowledge import CONTENT, load_content, run, seed


class FakeKnowledge:
    """Articles and problems in memory, behind the brief's paths; records every call."""

    def __init__(self, *, page_size: int = 200) -> None:
        self.page_size = page_size
        self.articles: dict[str, dict[str, Any]] = {}
        self.problems: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.questions: list[dict[str, Any]] = []

    def page(self, rows: list[dict[str, Any]], request: httpx.Request) -> httpx.Response:
        """The page envelope; the fake's cursor is the next row's index."""
        limit = min(int(request.url.params["limit"]), self.page_size)
        start = int(request.url.params.get("cursor", "0"))
        shown = rows[start : start + limit]
        more = start + limit < len(rows)
        return httpx.Response(
            200, json={"items": shown, "next_cursor": str(start + limit) if more else None}
        )

    def answer(self, request: httpx.Request) -> httpx.Response:
        method, path = request.method, request.url.path
        self.calls.append((method, path))
        body = json.loads(request.content) if request.content else {}
        parts = path.strip("/").split("/")
        if path == "/articles" and method == "GET":
            return self.page(list(self.articles.values())[::-1], request)
        if path == "/articles" and method == "POST":
            article = {**body, "id": str(uuid.uuid4()), "status": "draft", "version": 1}
            self.articles[article["id"]] = article
            return httpx.Response(201, json=article)
        if parts[0] == "articles" and parts[2:] == ["publish"]:
            self.articles[parts[1]]["status"] = "published"
            return httpx.Response(200, json=self.articles[parts[1]])
        if path == "/problems" and method == "GET":
            return self.page(list(self.problems.values())[::-1], request)
        if path == "/problems" and method == "POST":
            problem = {**body, "problem_id": str(uuid.uuid4()), "status": "open"}
            self.problems[problem["problem_id"]] = problem
            return httpx.Response(201, json=problem)
        if parts[0] == "problems" and parts[2:] == ["known-error"]:
            assert self.problems[parts[1]]["status"] == "open"
            self.problems[parts[1]].update(body, status="known_error")
            return httpx.Response(200, json=self.problems[parts[1]])
        if parts[0] == "problems" and parts[2:] == ["resolve"]:
            assert self.problems[parts[1]]["status"] == "known_error"
            self.problems[parts[1]].update(body, status="resolved")
            return httpx.Response(200, json=self.problems[parts[1]])
        if path == "/suggestions":
            self.questions.append(body)
            items = [
                {"kind": "article", "item_id": a["id"], "title": a["title"],
                 "score": 0.5, "why": "matched"}
                for a in self.articles.values()
                if a["language"] == body["language"]
            ][:2]  # fmt: skip
            return httpx.Response(200, json={"suggestion_id": str(uuid.uuid4()), "items": items})
        return httpx.Response(404, json={"title": "Not found"})

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url="http://knowledge.test", transport=httpx.MockTransport(self.answer)
        )


def test_the_demo_content_has_both_languages_and_a_resolved_problem() -> None:
    content = load_content(CONTENT)
    languages = [a["language"] for a in content["articles"]]
    assert languages.count("zh") >= 10
    assert languages.count("en") >= 10
    assert len({a["title"] for a in content["articles"]}) == len(content["articles"])
    assert {p["language"] for p in content["problems"]} >= {"zh", "en"}
    assert any("resolve" in p for p in content["problems"])
    assert {q["language"] for q in content["questions"]} == {"zh", "en"}


@pytest.mark.parametrize("page_size", [200, 3])
async def test_seeding_publishes_everything_and_again_changes_nothing(page_size: int) -> None:
    fake, content = FakeKnowledge(page_size=page_size), load_content(CONTENT)
    async with fake.client() as http:
        first = await seed(http, content)
        writes_before = [c for c in fake.calls if c[0] == "POST"]
        second = await seed(http, content)
        writes_after = [c for c in fake.calls if c[0] == "POST"]
    assert first.articles_created == first.articles_published == len(content["articles"])
    assert {a["status"] for a in fake.articles.values()} == {"published"}
    assert {a["visibility"] for a in fake.articles.values()} == {"public"}
    assert first.known_errors_declared == len(content["problems"])
    assert first.problems_resolved == 1
    assert sorted(p["status"] for p in fake.problems.values()) == [
        "known_error", "known_error", "resolved",
    ]  # fmt: skip
    assert writes_after == writes_before, "a re-run wrote nothing"
    assert second.articles_created == second.problems_created == second.problems_resolved == 0
    assert second.articles_total == {"en": 10, "zh": 10}


async def test_a_draft_left_by_an_interrupted_run_is_published() -> None:
    fake, content = FakeKnowledge(), load_content(CONTENT)
    async with fake.client() as http:
        await seed(http, content)
        draft = next(iter(fake.articles.values()))
        draft["status"] = "draft"
        again = await seed(http, content)
    assert (again.articles_created, again.articles_published) == (0, 1)
    assert draft["status"] == "published"


async def test_the_demo_asks_in_chinese_and_english_and_prints_the_items(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, content = FakeKnowledge(), load_content(CONTENT)
    async with fake.client() as http:
        assert await run(http, content, check_only=False) == 0
    printed = capsys.readouterr().out
    assert [q["language"] for q in fake.questions] == ["zh", "en"]
    assert "三楼打印机无法连接网络" in printed
    assert "20 demo articles (10 en, 10 zh)" in printed


async def test_the_check_fails_when_a_question_gets_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, content = FakeKnowledge(), load_content(CONTENT)
    async with fake.client() as http:
        assert await run(http, content, check_only=True) == 1  # nothing seeded: nothing found
        await seed(http, content)
        assert await run(http, content, check_only=True) == 0
    assert "smoke: no suggestion" in capsys.readouterr().err
