"""Knowledge end to end over real Kafka, Postgres and SMTP: a published Chinese article is
suggested for a new ticket, shown on its timeline, mailed to the requester with a signed link;
the requester's "this solved it" resolves the ticket as self-service, counted as a deflection."""

import re
from collections.abc import Iterator
from email.message import EmailMessage

import httpx
import pytest

from tests.polling import eventually
from tests.running_system import EVERY_SERVICE, System
from tests.support.mail import Mailbox, plain_smtp_server
from tests.support.pages import every_item

pytestmark = pytest.mark.e2e

LINK = re.compile(r"/answer-links/([A-Za-z0-9_\-\.]+)")


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[int, Mailbox]]:
    with plain_smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def system_env(smtp: tuple[int, Mailbox]) -> dict[str, str]:
    return {"NOTIFY_SMTP_PORT": str(smtp[0])}


@pytest.fixture(scope="module")
def system_services() -> tuple[str, ...]:
    return EVERY_SERVICE


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    assert part is not None
    return str(part.get_content())


async def test_a_suggested_article_solves_a_chinese_ticket_by_self_service(
    system: System, smtp: tuple[int, Mailbox]
) -> None:
    mailbox = smtp[1]
    knowledge, intake = system.url("knowledge"), system.url("intake")
    async with httpx.AsyncClient(timeout=10) as http:
        article = await http.post(
            f"{knowledge}/articles",
            json={
                "title": "打印机无法连接网络怎么办",
                "body": "1. 重启打印机。\n2. 检查网线是否插好。\n3. 在打印机面板上重新连接 Wi-Fi。",
                "language": "zh",
                "category": "打印",
                "tags": ["打印机", "网络"],
                "visibility": "public",
            },
            headers=system.auth("knowledge"),
        )
        assert article.status_code == 201, article.text
        article_id = (
            article.json()["id"] if "id" in article.json() else article.json()["article_id"]
        )
        published = await http.post(
            f"{knowledge}/articles/{article_id}/publish", headers=system.auth("knowledge")
        )
        assert published.status_code == 200, published.text

        created = await http.post(
            f"{intake}/tickets",
            json={
                "subject": "三楼的打印机连不上网络",
                "description": "今天早上开始 打印机一直显示离线。",
                "language": "zh",
                "requester": {"id": "u-zh-1", "email": "li.wei@example.com"},
            },
            headers=system.auth("intake"),
        )
        assert created.status_code == 201, created.text
        ticket_id = created.json()["id"]

        async def timeline_types() -> set[str]:
            got = await every_item(
                http, f"{intake}/tickets/{ticket_id}/timeline", headers=system.auth("intake")
            )
            return {entry["type"] for entry in got}

        async def suggested() -> bool:
            return "knowledge.suggested" in await timeline_types()

        await eventually(suggested, what="knowledge.suggested on the ticket's timeline", within=60)

        async def mail_to_requester() -> EmailMessage | None:
            for message in mailbox.messages:
                if "li.wei@example.com" in str(message["To"]):
                    return message
            return None

        mail = await eventually(
            mail_to_requester, what="the suggestion mailed to the requester", within=60
        )
        assert mail is not None
        body = text_of(mail)
        assert "打印机无法连接网络怎么办" in body
        found = LINK.search(body)
        assert found is not None, body
        link = f"{knowledge}/answer-links/{found.group(1)}"

        page = await http.get(link)
        assert page.status_code == 200, page.text
        assert "打印机无法连接网络怎么办" in page.text
        ticket = await http.get(f"{intake}/tickets/{ticket_id}", headers=system.auth("intake"))
        assert ticket.json()["status"] != "resolved", "opening the link must change nothing"

        answered = await http.post(link, data={"solved": "yes"})
        assert answered.status_code == 200, answered.text

        async def resolved() -> bool:
            got = await http.get(f"{intake}/tickets/{ticket_id}", headers=system.auth("intake"))
            return bool(got.json()["status"] == "resolved")

        await eventually(resolved, what="the ticket resolved as self-service", within=60)
        assert "suggestion.answered" in await timeline_types()

        deflection = await http.get(f"{knowledge}/deflection", headers=system.auth("knowledge"))
        assert deflection.status_code == 200, deflection.text
        assert deflection.json()["solved_tickets"] == 1
