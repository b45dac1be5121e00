"""The signed answer links notify mails: no bearer; GET shows the item in the suggestion's
language and changes nothing; POST solved=yes|no answers once; bad or expired links are small
pages, never errors."""

import uuid
from datetime import timedelta
from typing import Any

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.suggestions_setup import events_of, indexed, link_token
from ticketflow_common.answer_links import ANSWER_LINK_LIFETIME
from ticketflow_common.events import TicketCreated
from ticketflow_knowledge.domain.search_index import IndexedItem

ANSWERED = "suggestion.answered"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def suggested(
    knowledge: KnowledgeHarness, item_text: tuple[str, str], language: str, **created: Any
) -> tuple[TicketCreated, IndexedItem, str]:
    item = await indexed(knowledge, *item_text, language=language)
    ticket = knowledge.created(language=language, **created)
    await knowledge.deliver(ticket)
    row = await knowledge.fetchrow(
        "SELECT suggestion_id FROM suggestions WHERE ticket_id = $1", ticket.ticket_id
    )
    assert row is not None
    token = link_token(
        suggestion_id=row["suggestion_id"], ticket=ticket, item=item, now=knowledge.clock()
    )
    return ticket, item, token


def anonymous(knowledge: KnowledgeHarness) -> httpx.AsyncClient:
    client = knowledge.client("")
    del client.headers["Authorization"]
    return client


async def test_get_shows_the_chinese_item_and_two_buttons_and_changes_nothing(
    knowledge: KnowledgeHarness,
) -> None:
    _, _, token = await suggested(
        knowledge,
        ("打印机<无法>连接网络", "重启打印机 & 检查网线。"),
        "zh",
        subject="三楼的打印机坏了",
    )
    async with anonymous(knowledge) as browser:
        pages = [await browser.get(f"/answer-links/{token}") for _ in range(2)]
    for page in pages:
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert '<meta charset="utf-8">' in page.text
        assert "打印机&lt;无法&gt;连接网络" in page.text
        assert "&amp; 检查网线" in page.text
        assert "这个方法解决了您的问题吗" in page.text
        assert 'name="solved" value="yes"' in page.text
        assert 'value="no"' in page.text
    assert await knowledge.fetch("SELECT * FROM suggestion_answers") == []
    assert events_of(await knowledge.outbox(), ANSWERED) == []


async def test_post_yes_answers_once_in_english_and_a_different_answer_is_refused(
    knowledge: KnowledgeHarness,
) -> None:
    ticket, item, token = await suggested(
        knowledge, ("VPN keeps disconnecting", "Reinstall the VPN client."), "en", subject="VPN"
    )
    path = f"/answer-links/{token}"
    async with anonymous(knowledge) as browser:
        yes = await browser.post(path, content="solved=yes", headers=FORM)
        again = await browser.post(path, content="solved=yes", headers=FORM)
        no = await browser.post(path, content="solved=no", headers=FORM)
        shown = await browser.get(path)
    assert yes.status_code == 200
    assert "marked your request as solved" in yes.text
    assert again.status_code == 200
    assert "already told us this solved" in again.text
    assert no.status_code == 409
    assert "answered differently" in no.text
    assert shown.status_code == 200
    assert "<form" not in shown.text
    assert "already told us this solved" in shown.text
    events = events_of(await knowledge.outbox(str(ticket.ticket_id)), ANSWERED)
    assert len(events) == 1
    data: Any = events[0]["data"]
    assert (data["item_id"], data["solved"], data["answered_by"]) == (
        str(item.item_id),
        True,
        "u-1",
    )
    stored = await knowledge.fetch("SELECT answered_by, solved FROM suggestion_answers")
    assert [(r["answered_by"], r["solved"]) for r in stored] == [("u-1", True)]


async def test_post_no_in_chinese_thanks_and_needs_a_choice(knowledge: KnowledgeHarness) -> None:
    ticket, _, token = await suggested(
        knowledge, ("打印机无法连接网络", "重启打印机并检查网线。"), "zh", subject="打印机坏了"
    )
    path = f"/answer-links/{token}"
    async with anonymous(knowledge) as browser:
        nothing = await browser.post(path, content="solved=maybe", headers=FORM)
        no = await browser.post(path, content="solved=no", headers=FORM)
    assert nothing.status_code == 422
    assert "请选择" in nothing.text
    assert no.status_code == 200
    assert "客服人员会继续处理" in no.text
    events = events_of(await knowledge.outbox(str(ticket.ticket_id)), ANSWERED)
    assert [e["data"]["solved"] for e in events] == [False]  # type: ignore[index]


async def test_bad_expired_and_foreign_links_are_small_pages(knowledge: KnowledgeHarness) -> None:
    ticket, item, token = await suggested(
        knowledge, ("VPN keeps disconnecting", "Reinstall the VPN client."), "en", subject="VPN"
    )
    row = await knowledge.fetchrow(
        "SELECT suggestion_id FROM suggestions WHERE ticket_id = $1", ticket.ticket_id
    )
    assert row is not None
    forged = link_token(
        suggestion_id=row["suggestion_id"],
        ticket=ticket,
        item=item,
        now=knowledge.clock(),
        secret="another secret that is long enough to sign",
    )
    other_requester = link_token(
        suggestion_id=row["suggestion_id"],
        ticket=ticket,
        item=item,
        now=knowledge.clock(),
        requester_id="u-2",
    )
    unknown = link_token(
        suggestion_id=uuid.uuid4(), ticket=ticket, item=item, now=knowledge.clock()
    )
    async with anonymous(knowledge) as browser:
        for bad in ("not-a-token", forged, other_requester, unknown):
            for method in ("GET", "POST"):
                page = await browser.request(
                    method, f"/answer-links/{bad}", content="solved=yes", headers=FORM
                )
                assert page.status_code == 404, (bad, method, page.text)
                assert page.headers["content-type"].startswith("text/html")
                assert "此链接无效" in page.text
                assert "not valid" in page.text
        knowledge.clock.advance((ANSWER_LINK_LIFETIME + timedelta(seconds=1)).total_seconds())
        for method in ("GET", "POST"):
            page = await browser.request(
                method, f"/answer-links/{token}", content="solved=yes", headers=FORM
            )
            assert page.status_code == 410
            assert "expired" in page.text
    assert await knowledge.fetch("SELECT * FROM suggestion_answers") == []


async def test_everything_else_still_needs_a_bearer(knowledge: KnowledgeHarness) -> None:
    async with anonymous(knowledge) as browser:
        for path in ("/suggestions/" + str(uuid.uuid4()), "/deflection", "/answer-links"):
            assert (await browser.get(path)).status_code == 401, path
        asked = await browser.post("/suggestions", json={"subject": "vpn", "language": "en"})
    assert asked.status_code == 401


async def test_a_link_to_an_internal_item_is_refused(knowledge: KnowledgeHarness) -> None:
    internal = await indexed(knowledge, "VPN gateway runbook", "Restart vpn-gw-2.", public=False)
    ticket = knowledge.created(subject="VPN gateway down")
    await knowledge.deliver(ticket)
    row = await knowledge.fetchrow(
        "SELECT suggestion_id, items FROM suggestions WHERE ticket_id = $1", ticket.ticket_id
    )
    assert row is not None
    assert [i["item_id"] for i in row["items"]] == [str(internal.item_id)]
    token = link_token(
        suggestion_id=row["suggestion_id"], ticket=ticket, item=internal, now=knowledge.clock()
    )
    async with anonymous(knowledge) as browser:
        shown = await browser.get(f"/answer-links/{token}")
        posted = await browser.post(f"/answer-links/{token}", content="solved=yes", headers=FORM)
    assert shown.status_code == 404
    assert "Restart vpn-gw-2" not in shown.text
    assert posted.status_code == 404
    assert await knowledge.fetch("SELECT * FROM suggestion_answers") == []
