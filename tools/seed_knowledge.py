"""Seeds knowledge's demo content through its API and shows a suggestion in each language.

`python -m tools.seed_knowledge` (what `infra/local/demo.sh up` runs) publishes the articles of
`infra/local/demo_knowledge.json` (Chinese and English), files its problems with their known
errors (resolving the one marked so) and asks for a suggestion for each of its questions. A
re-run finds what exists by title and only finishes what is missing. `--check` (smoke.sh) only
asks the questions and fails when one of them gets no item.

Reads `TICKETFLOW_KNOWLEDGE_URL` (http://127.0.0.1:8006) and acts as an admin with
`TICKETFLOW_API_KEY` (the identity admin `make run` bootstraps), else `KNOWLEDGE_API_TOKEN`, the
service token of a knowledge run without identity.
"""

import argparse
import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ticketflow_cli.failures import CommandFailed
from tools.credentials import bearer

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "infra" / "local" / "demo_knowledge.json"
DEFAULT_URL = "http://127.0.0.1:8006"
PAGE = 100
SHOWN_ITEMS = 3


class SeedFailed(RuntimeError):
    """Knowledge answered a demo call with an unexpected status."""


@dataclass
class Seeded:
    """What a run created or moved on, for the one line demo.sh prints."""

    articles_created: int = 0
    articles_published: int = 0
    problems_created: int = 0
    known_errors_declared: int = 0
    problems_resolved: int = 0
    articles_total: dict[str, int] = field(default_factory=dict)


def load_content(path: Path = CONTENT) -> dict[str, Any]:
    content: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return content


def checked(response: httpx.Response) -> Any:
    if not response.is_success:
        request = response.request
        raise SeedFailed(
            f"{request.method} {request.url.path} -> {response.status_code}: {response.text[:300]}"
        )
    return response.json() if response.content else None


def listed(body: Any) -> list[dict[str, Any]]:
    """The rows of a page (`{items, next_cursor}`) or of a list of items."""
    found = body.get("items", []) if isinstance(body, dict) else body
    return [row for row in found if isinstance(row, dict)]


def identity(row: dict[str, Any], key: str) -> str:
    """The id of an article or problem, under its own name or a plain `id`."""
    return str(row.get(key) or row["id"])


async def every(http: httpx.AsyncClient, path: str) -> AsyncIterator[dict[str, Any]]:
    """Every row of a paged list (`{items, next_cursor}`), following its cursors."""
    cursor: str | None = None
    while True:
        params = {"limit": PAGE} | ({"cursor": cursor} if cursor else {})
        page = checked(await http.get(path, params=params))
        for row in listed(page):
            yield row
        cursor = page.get("next_cursor") if isinstance(page, dict) else None
        if cursor is None:
            return


async def seed_articles(
    http: httpx.AsyncClient, articles: list[dict[str, Any]], seeded: Seeded
) -> None:
    existing = {(a["title"], a.get("language")): a async for a in every(http, "/articles")}
    for article in articles:
        found = existing.get((article["title"], article["language"]))
        if found is None:
            body = {**article, "visibility": article.get("visibility", "public")}
            body.setdefault("note", "demo content")
            found = checked(await http.post("/articles", json=body))
            seeded.articles_created += 1
        if found.get("status") != "published":
            article_id = identity(found, "article_id")
            checked(await http.post(f"/articles/{article_id}/publish", json={}))
            seeded.articles_published += 1
        language = article["language"]
        seeded.articles_total[language] = seeded.articles_total.get(language, 0) + 1


async def seed_problems(
    http: httpx.AsyncClient, problems: list[dict[str, Any]], seeded: Seeded
) -> None:
    existing = {p["title"]: p async for p in every(http, "/problems")}
    for problem in problems:
        found = existing.get(problem["title"])
        if found is None:
            found = checked(
                await http.post(
                    "/problems",
                    json={
                        key: problem[key]
                        for key in ("title", "description", "category", "language")
                    },
                )
            )
            seeded.problems_created += 1
        problem_id = identity(found, "problem_id")
        status = found.get("status", "open")
        if status == "open":
            declared = {
                "root_cause": problem["root_cause"],
                "workaround": problem["workaround"],
                "public": problem.get("public", True),
            }
            checked(await http.post(f"/problems/{problem_id}/known-error", json=declared))
            seeded.known_errors_declared += 1
            status = "known_error"
        resolve = problem.get("resolve")
        if resolve and status == "known_error":
            fix = {"permanent_fix": resolve["permanent_fix"], "resolve_linked_tickets": False}
            checked(await http.post(f"/problems/{problem_id}/resolve", json=fix))
            seeded.problems_resolved += 1


async def seed(http: httpx.AsyncClient, content: dict[str, Any]) -> Seeded:
    """Everything in `content` published, declared and resolved; again changes nothing."""
    seeded = Seeded()
    await seed_articles(http, content["articles"], seeded)
    await seed_problems(http, content["problems"], seeded)
    return seeded


async def suggest(http: httpx.AsyncClient, question: dict[str, Any]) -> list[dict[str, Any]]:
    """The items knowledge suggests for one demo question."""
    answer = checked(await http.post("/suggestions", json=question))
    return listed(answer.get("items", []))


def suggestion_lines(question: dict[str, Any], items: list[dict[str, Any]]) -> list[str]:
    lines = [f"  suggested for [{question['language']}] {question['subject']}:"]
    if not items:
        lines.append("    (nothing)")
    for n, item in enumerate(items[:SHOWN_ITEMS], start=1):
        lines.append(
            f"    {n}. {item['kind']:<11} {item['title']}  "
            f"(score {float(item['score']):.2f}; {item.get('why', '')})"
        )
    return lines


def summary(seeded: Seeded) -> str:
    by_language = ", ".join(f"{n} {lang}" for lang, n in sorted(seeded.articles_total.items()))
    return (
        f"  knowledge: {sum(seeded.articles_total.values())} demo articles ({by_language}); "
        f"this run created {seeded.articles_created}, published {seeded.articles_published}, "
        f"filed {seeded.problems_created} problems, declared {seeded.known_errors_declared} "
        f"known errors, resolved {seeded.problems_resolved}"
    )


def client(url: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url.rstrip("/"), headers={"Authorization": f"Bearer {token}"}, timeout=15
    )


async def run(http: httpx.AsyncClient, content: dict[str, Any], *, check_only: bool) -> int:
    """Seed (unless `check_only`) and print the demo questions' suggestions; 1 when a
    question got nothing and `check_only`."""
    if not check_only:
        print(summary(await seed(http, content)))
    empty = []
    for question in content["questions"]:
        items = await suggest(http, question)
        print("\n".join(suggestion_lines(question, items)))
        if not items:
            empty.append(question["subject"])
    if empty and check_only:
        print(f"smoke: no suggestion for {empty}", file=sys.stderr)
        return 1
    return 0


async def seed_and_ask(url: str, token: str, content: Path, *, check_only: bool) -> int:
    async with client(url, token) as http:
        return await run(http, load_content(content), check_only=check_only)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=CONTENT, help="the demo content file")
    parser.add_argument(
        "--check", action="store_true", help="only ask the demo questions; fail on no items"
    )
    args = parser.parse_args()
    try:
        token = bearer("knowledge")
    except CommandFailed as failure:
        print(f"knowledge demo: {failure.message}", file=sys.stderr)
        return 2
    url = os.environ.get("TICKETFLOW_KNOWLEDGE_URL", DEFAULT_URL)
    try:
        return asyncio.run(seed_and_ask(url, token, args.content, check_only=args.check))
    except (SeedFailed, httpx.TransportError) as failure:
        print(f"knowledge demo: {failure}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
