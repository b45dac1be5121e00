# ruff: noqa: RUF001 (Chinese text is written with full-width commas)
"""Email end to end over real Kafka, Postgres and SMTP servers: a Chinese mail to the gateway
becomes a ticket that routing assigns; the agent's reply is mailed back in the same thread; the
requester's answer by mail becomes a comment with only its new text; on resolution notify mails
a survey whose one-click link records the rating."""

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from tests.kafka_helpers import Tail, tailing
from tests.polling import eventually
from tests.running_system import WITH_MAIL, System
from tests.support.mail import Mailbox, compose, plain_smtp_server, send_raw, text_of
from tests.support.pages import every_item
from ticketflow_common.topics import TICKETS

pytestmark = pytest.mark.e2e

DESK = "support@ticketflow.localhost"
REQUESTER = "zhang.min@example.com"
SUBJECT = "打印机无法连接网络"
REQUEST = "三楼的打印机从今天早上开始一直显示离线，重启也没有用。"
SIGNATURE = "-- \n张敏\n市场部 分机 8021"
REPLY = "您好，请在打印机面板上重新连接 Wi-Fi，然后再试一次。"
ANSWER = "重新连接以后还是离线，面板上显示 IP 地址冲突。"
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[int, Mailbox]]:
    """The requester's mail server: where mail's replies and notify's surveys arrive."""
    with plain_smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def system_env(smtp: tuple[int, Mailbox]) -> dict[str, str]:
    return {
        "NOTIFY_SMTP_PORT": str(smtp[0]),
        "MAIL_SMTP_RELAY_HOST": "127.0.0.1",
        "MAIL_SMTP_RELAY_PORT": str(smtp[0]),
        "MAIL_FROM_ADDRESS": DESK,
        "MAIL_REPLY_IDLE_SECONDS": "0.5",
        "INTAKE_SURVEY_POLL_SECONDS": "1",
    }


@pytest.fixture(scope="module")
def system_services() -> tuple[str, ...]:
    return WITH_MAIL


@pytest.fixture
async def tickets_topic(system: System) -> AsyncIterator[Tail]:
    async with tailing(
        bootstrap=system.kafka_bootstrap, topic=system.names.physical(TICKETS)
    ) as tail:
        yield tail


def created_from(tail: Tail, message_id: str) -> list[dict[str, Any]]:
    return [
        e
        for e in tail.of_type("ticket.created")
        if e["data"].get("origin_message_id") == message_id
    ]


def mails_to(mailbox: Mailbox, address: str) -> list[EmailMessage]:
    return [m for m in mailbox.messages if address in str(m["To"]).lower()]


def rating_link(body: str, rating: int) -> str:
    """The path (and query) of the survey link that rates `rating` in one click."""
    for url in URL.findall(body):
        if f"rating={rating}" in str(url):
            return "/" + str(url).split("/", 3)[3]
    raise AssertionError(f"no one-click link rating {rating} in the survey mail: {body}")


async def test_a_chinese_mail_becomes_a_ticket_answered_by_mail_and_rated(
    system: System, smtp: tuple[int, Mailbox], tickets_topic: Tail
) -> None:
    mailbox = smtp[1]
    intake, routing = system.url("intake"), system.url("routing")
    async with httpx.AsyncClient(timeout=10) as http:
        agent = await http.post(
            f"{routing}/agents",
            json={
                "name": "王芳",
                "team": "it-support",
                "skills": ["printing"],
                "languages": ["zh", "en"],
                "capacity": 5,
            },
            headers=system.auth("routing"),
        )
        assert agent.status_code == 201, agent.text
        agent_id = agent.json()["id"]
        issued = await http.post(
            f"{intake}/credentials",
            json={"name": "王芳's key", "role": "agent", "subject": agent_id},
            headers=system.auth("intake"),
        )
        assert issued.status_code == 201, issued.text
        as_agent = {"Authorization": f"Bearer {issued.json()['token']}"}

        # 1. The requester writes to the desk: subject and body in GB2312, a signature below.
        request_id, raw = compose(
            sender=f"张敏 <{REQUESTER}>",
            to=DESK,
            subject=SUBJECT,
            body=f"{REQUEST}\n\n{SIGNATURE}\n",
            charset="gb2312",
            message_id=f"<{uuid.uuid4().hex}@mail.example.com>",
        )
        assert b"=?gb2312?" in raw, "the subject travels as GB2312 encoded words"
        # aiosmtplib raises unless the gateway accepts the DATA with a 2xx.
        await send_raw(port=system.smtp_gateway_port, sender=REQUESTER, recipients=[DESK], raw=raw)

        async def created() -> list[dict[str, Any]]:
            return created_from(tickets_topic, request_id)

        event = (await eventually(created, what="ticket.created from the mail", within=60))[0]
        ticket_id = event["subject"]
        assert event["data"]["channel"] == "email"
        assert event["data"]["subject"] == SUBJECT

        # The same message delivered again (a relay's retry) makes no second ticket.
        await send_raw(port=system.smtp_gateway_port, sender=REQUESTER, recipients=[DESK], raw=raw)

        # 2. Routing assigns it.
        async def owner() -> dict[str, Any] | None:
            got = await http.get(f"{intake}/tickets/{ticket_id}", headers=system.auth("intake"))
            assert got.status_code == 200, got.text
            found: dict[str, Any] | None = got.json()["owner"]
            return found

        assigned = await eventually(owner, what="routing to assign the mailed ticket", within=60)
        assert assigned is not None
        assert assigned["agent_id"] == agent_id
        ticket = (
            await http.get(f"{intake}/tickets/{ticket_id}", headers=system.auth("intake"))
        ).json()
        assert ticket["channel"] == "email"
        assert ticket["subject"] == SUBJECT
        assert ticket["requester"]["email"] == REQUESTER
        assert ticket["requester"]["name"] == "张敏", "the GB2312 display name, decoded"
        assert REQUEST in ticket["description"]
        assert "分机" not in ticket["description"], "the signature is not part of the request"

        # 3. The agent's public reply goes to the requester in the same thread.
        reply = await http.post(
            f"{intake}/tickets/{ticket_id}/comments",
            json={"body": REPLY, "public": True},
            headers=as_agent,
        )
        assert reply.status_code == 201, reply.text

        async def reply_mail() -> EmailMessage | None:
            return next(
                (m for m in mails_to(mailbox, REQUESTER) if m["In-Reply-To"] == request_id), None
            )

        sent = await eventually(reply_mail, what="the agent's reply mailed to the requester")
        assert sent is not None
        reference = f"[TF-{uuid.UUID(ticket_id).hex[:8]}]"
        assert reference in str(sent["Subject"]), sent["Subject"]
        assert SUBJECT in str(sent["Subject"])
        assert request_id in str(sent["References"]).split()
        assert DESK in str(sent["From"]).lower()
        assert REPLY in text_of(sent)
        reply_id = str(sent["Message-ID"])
        assert reply_id not in ("", "None", request_id)

        # 4. The requester answers by mail above the quoted history (GBK this time).
        quoted = "\n".join(f"> {line}" for line in text_of(sent).strip().splitlines())
        answer_id, answer = compose(
            sender=f"张敏 <{REQUESTER}>",
            to=DESK,
            subject=f"Re: {sent['Subject']}",
            body=f"{ANSWER}\n\nOn Wed, 2 Dec 2026 at 09:12, Ticketflow Support <{DESK}> wrote:\n"
            f"{quoted}\n",
            charset="gbk",
            in_reply_to=reply_id,
            references=[request_id, reply_id],
        )
        await send_raw(
            port=system.smtp_gateway_port, sender=REQUESTER, recipients=[DESK], raw=answer
        )

        async def requester_comments() -> list[dict[str, Any]]:
            got = await every_item(http, f"{intake}/tickets/{ticket_id}/comments", headers=as_agent)
            return [c for c in got if c["body"] != REPLY]

        comments = await eventually(
            requester_comments, what="the requester's mail as a comment", within=60
        )
        assert len(comments) == 1, comments
        assert comments[0]["public"] is True
        assert comments[0]["body"].strip() == ANSWER, "only the new text, no quoted history"

        # 5. The agent resolves; notify mails the requester a survey.
        resolved = await http.post(
            f"{intake}/tickets/{ticket_id}/status", json={"status": "resolved"}, headers=as_agent
        )
        assert resolved.status_code == 200, resolved.text

        async def survey_requested() -> list[dict[str, Any]]:
            return [
                e
                for e in tickets_topic.of_type("ticket.survey_requested")
                if e["subject"] == ticket_id
            ]

        invitation = (await eventually(survey_requested, what="ticket.survey_requested"))[0]
        assert invitation["data"]["round"] == "invitation"
        assert invitation["data"]["requester_email"] == REQUESTER

        async def survey_mail() -> EmailMessage | None:
            return next((m for m in mails_to(mailbox, REQUESTER) if "rating=" in text_of(m)), None)

        survey = await eventually(survey_mail, what="the survey mailed on resolution", within=60)
        assert survey is not None

        # 6. One click rates: the link is the credential.
        rated = await http.get(f"{intake}{rating_link(text_of(survey), 5)}")
        assert rated.status_code == 200, rated.text

        async def answered() -> list[dict[str, Any]]:
            got = await every_item(
                http, f"{intake}/tickets/{ticket_id}/timeline", headers=system.auth("intake")
            )
            return [
                entry
                for entry in got
                if entry["type"] in ("ticket.survey_answered", "ticket.feedback_received")
                and entry["data"].get("rating") == 5
            ]

        await eventually(answered, what="the rating on the ticket's timeline", within=30)

    assert len(created_from(tickets_topic, request_id)) == 1, "one ticket per Message-ID"
    commented = [
        e["data"] for e in tickets_topic.of_type("ticket.commented") if e["subject"] == ticket_id
    ]
    assert [c.get("origin_message_id") for c in commented] == [None, answer_id]
