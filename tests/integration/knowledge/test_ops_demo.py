"""The demo content (`infra/local/demo_knowledge.json`) through knowledge's real API, as `make
run` seeds it: every article published and public, the known errors declared and one resolved,
a re-run adds nothing, and the Chinese and the English demo question each get an answer."""

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.support.knowledge import token_for
from tools.seed_knowledge import load_content, run, seed, suggest


async def test_the_demo_seeds_once_and_suggests_in_chinese_and_english(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    content = load_content()
    first = await seed(api, content)
    again = await seed(api, content)
    assert first.articles_created == first.articles_published == len(content["articles"])
    assert (again.articles_created, again.articles_published, again.problems_created) == (0, 0, 0)
    assert again.known_errors_declared == again.problems_resolved == 0
    statuses = await knowledge.fetch("SELECT status, visibility FROM articles")
    assert len(statuses) == len(content["articles"])
    assert {(r["status"], r["visibility"]) for r in statuses} == {("published", "public")}
    problems = await knowledge.fetch("SELECT status FROM problems ORDER BY status")
    assert [r["status"] for r in problems] == ["known_error", "known_error", "resolved"]

    zh, en = content["questions"]
    chinese = await suggest(api, zh)
    english = await suggest(api, en)
    assert chinese, "nothing suggested for the Chinese question"
    assert "打印机" in chinese[0]["title"]
    assert english, "nothing suggested for the English question"
    assert "VPN" in english[0]["title"]
    assert await run(api, content, check_only=True) == 0


async def test_a_requester_is_suggested_the_public_demo_items_only(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    content = load_content()
    await seed(api, content)
    internal = next(p["title"] for p in content["problems"] if not p.get("public", True))
    token = token_for("requester", "u-1", now=knowledge.clock())
    async with knowledge.client(token) as requester:
        found = await suggest(
            requester,
            {"subject": "Outlook asks for the password again", "description": "", "language": "en"},
        )
    assert found, "a public article about email or passwords is suggested"
    assert internal not in {item["title"] for item in found}
    assert all(item["public"] for item in found)
