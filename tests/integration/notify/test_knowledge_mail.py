# ruff: noqa: RUF001
"""Knowledge's events through notify's own event table: a suggestion mails its requester the
public items only, in the suggestion's language, each with a signed answer link knowledge can
read (none without a secret, no mail without a public item); a resolved problem mails the
requesters notify knows for its tickets and reaches webhooks like any event; each mail once,
however often its event arrives."""

import dataclasses
import json
import re
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import asyncpg
import pytest
from pydantic import AnyHttpUrl

from tests.integration.notify.conftest import (
    FakeClock,
    NotifyHarness,
    Receiver,
    SmtpServer,
    build_dispatcher,
    drain,
    notify_settings,
)
from tests.integration.notify.events import created
from ticketflow_common.answer_links import AnswerLink, read_answer_link
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import (
    KnowledgeSuggested,
    ProblemResolved,
    SuggestedItem,
    TicketStatusChanged,
)
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.domain.subscriptions import NewSubscription
from ticketflow_notify.store.endpoints import insert_endpoint
from ticketflow_notify.store.subscriptions import insert_subscription

pytestmark = pytest.mark.integration

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SECRET = "answer-link-secret-for-tests-0123456789"
KNOWLEDGE_URL = "https://help.example.com/kb/"
LINK = re.compile(r"https://help\.example\.com/kb/answer-links/(\S+)")


def item(title: str, *, public: bool, language: str = "zh") -> SuggestedItem:
    return SuggestedItem(
        kind="article",
        item_id=uuid.uuid4(),
        title=title,
        excerpt=f"{title}: step one, restart the client",
        language=language,
        public=public,
        score=2.0,
        matched_terms=["vpn"],
        why="matched vpn in the title",
    )


def suggestion(
    ticket_id: uuid.UUID, *items: SuggestedItem, language: str = "zh"
) -> tuple[KnowledgeSuggested, Envelope]:
    data = KnowledgeSuggested(
        ticket_id=ticket_id,
        suggestion_id=uuid.uuid4(),
        language=language,
        requester_id="u-1",
        requester_email="Ada@Example.com",
        items=list(items),
        suggested_at=AT,
    )
    return data, new_event(data, source="/ticketflow/knowledge", subject=str(ticket_id), time=AT)


def resolved(ticket_ids: list[uuid.UUID], *, resolve: bool = True) -> Envelope:
    data = ProblemResolved(
        problem_id=uuid.uuid4(),
        title="VPN 网关证书过期",
        root_cause="the gateway certificate expired",
        permanent_fix="renewed the certificate, renewal automated",
        ticket_ids=ticket_ids,
        resolve_linked_tickets=resolve,
        resolved_by="agent-grace",
        resolved_at=AT,
    )
    return new_event(data, source="/ticketflow/knowledge", subject=str(data.problem_id), time=AT)


def closed(ticket_id: uuid.UUID) -> Envelope:
    data = TicketStatusChanged(
        ticket_id=ticket_id,
        status="closed",
        priority="urgent",
        team="network",
        required_skills=[],
        requester_id="u-3",
        version=2,
        previous_status="new",
        actor_id="agent-grace",
        actor_role="agent",
        changed_at=AT,
    )
    return new_event(data, source="/tests/intake", subject=str(ticket_id), time=AT)


def with_links(notify: NotifyHarness, *, secret: str | None = SECRET) -> NotifyHarness:
    """Notify's event table as the service builds it, knowledge at a public address."""
    settings = notify_settings(
        knowledge_public_url=KNOWLEDGE_URL, knowledge_answer_link_secret=secret
    )
    return dataclasses.replace(
        notify, runtime=dataclasses.replace(notify.runtime, settings=settings)
    )


async def deliveries(pool: asyncpg.Pool) -> list[tuple[str, str]]:
    rows = await pool.fetch("SELECT target, event_type FROM deliveries ORDER BY target")
    return [(r["target"], r["event_type"]) for r in rows]


async def mails(pool: asyncpg.Pool, smtp: SmtpServer) -> dict[str, EmailMessage]:
    """Dispatch everything due over real SMTP; the messages the server accepted, by To."""
    settings = notify_settings(smtp_port=smtp.port, smtp_from="Ticketflow <notify@example.com>")
    async with new_session() as http:
        await drain(build_dispatcher(pool, http, clock=FakeClock(AT), settings=settings))
    return {str(m["To"]): m for m in smtp.mailbox.messages}


async def subscribe(pool: asyncpg.Pool, **fields: Any) -> None:
    async with pool.acquire() as conn:
        await insert_subscription(
            conn=conn, subscription_id=uuid.uuid4(), new=NewSubscription.model_validate(fields)
        )


async def forget(pool: asyncpg.Pool, event: Envelope) -> None:
    """The inbox forgets the event, as pruning does: only notify's own dedup is left."""
    await pool.execute("DELETE FROM processed_events WHERE event_id = $1", event.id)


async def test_a_suggestion_mails_its_requester_the_public_items_with_signed_links_once(
    notify: NotifyHarness, smtp_server: SmtpServer
) -> None:
    harness = with_links(notify)
    ticket = uuid.uuid4()
    await harness.deliver(created(ticket, language="en"))
    reset, inside = item("重置 VPN 客户端", public=True), item("网关内部排障手册", public=False)
    second = item("VPN 常见问题", public=True)
    data, event = suggestion(ticket, reset, inside, second)
    assert await harness.deliver(event) == "processed"
    assert await harness.deliver(event) == "duplicate"
    await forget(harness.pool, event)
    assert await harness.deliver(event) == "processed"
    assert await deliveries(harness.pool) == [("email:ada@example.com", "knowledge.suggested")]
    stored = await harness.pool.fetchval("SELECT message::text FROM deliveries")
    assert "网关内部排障手册" not in stored

    found = await mails(harness.pool, smtp_server)
    assert list(found) == ["ada@example.com"]
    mail = found["ada@example.com"]
    assert mail["Subject"] == "可能解决您工单的答案：VPN drops every 10 minutes"
    assert mail["X-Ticketflow-Event-Type"] == "knowledge.suggested"
    body = mail.get_content()
    assert "我们为您的工单“VPN drops every 10 minutes”找到了 2 条可能有用的答案。" in body
    assert "1. 重置 VPN 客户端" in body
    assert "2. VPN 常见问题" in body
    assert "网关内部排障手册" not in body
    assert body.count("是否解决了您的问题？请点此告诉我们：") == 2
    tokens = LINK.findall(body)
    links = [read_answer_link(token=t, secret=SECRET, now=AT) for t in tokens]
    assert links == [
        AnswerLink(data.suggestion_id, ticket, "u-1", "article", reset.item_id),
        AnswerLink(data.suggestion_id, ticket, "u-1", "article", second.item_id),
    ]
    assert (
        read_answer_link(token=tokens[0], secret="another-secret-that-is-long-enough-0123", now=AT)
        is None
    )


async def test_in_english_without_a_secret_no_links_and_nothing_public_no_mail(
    notify: NotifyHarness, smtp_server: SmtpServer
) -> None:
    harness = with_links(notify, secret=None)
    ticket, quiet = uuid.uuid4(), uuid.uuid4()
    await subscribe(
        harness.pool,
        event_types=["knowledge.suggested"],
        target={"kind": "email", "address": "kb-team@example.com"},
    )
    _, english = suggestion(ticket, item("Reset the VPN client", public=True), language="en")
    _, internal = suggestion(quiet, item("Gateway runbook", public=False), language="en")
    assert await harness.deliver(english) == "processed"
    assert await harness.deliver(internal) == "processed"
    assert await deliveries(harness.pool) == [
        ("email:ada@example.com", "knowledge.suggested"),
        ("email:kb-team@example.com", "knowledge.suggested"),
    ]

    found = await mails(harness.pool, smtp_server)
    body = found["ada@example.com"].get_content()
    subject = " ".join(str(found["ada@example.com"]["Subject"]).split())  # a long one is folded
    assert subject == f"Answers that may solve your ticket: {ticket}"
    assert "We found 1 answer that may solve your ticket" in body
    assert "1. Reset the VPN client" in body
    assert "answer-links" not in body
    assert "To say one of them solved it, open your ticket." in body
    assert "Gateway runbook" not in "".join(m.get_content() for m in found.values())


async def test_only_the_requester_gets_links_a_subscriber_reads_the_items_without(
    notify: NotifyHarness, smtp_server: SmtpServer
) -> None:
    harness = with_links(notify)
    await subscribe(
        harness.pool,
        event_types=["knowledge.suggested"],
        target={"kind": "email", "address": "kb-team@example.com"},
    )
    _, event = suggestion(uuid.uuid4(), item("Reset the VPN client", public=True), language="en")
    assert await harness.deliver(event) == "processed"
    found = await mails(harness.pool, smtp_server)
    assert len(LINK.findall(found["ada@example.com"].get_content())) == 1
    team_body = found["kb-team@example.com"].get_content()
    assert "1. Reset the VPN client" in team_body
    assert "answer-links" not in team_body


async def test_a_resolved_problem_mails_the_requesters_of_its_open_tickets_once(
    notify: NotifyHarness, smtp_server: SmtpServer
) -> None:
    zh_ticket, en_ticket, bobs, charlies = (uuid.uuid4() for _ in range(4))
    await notify.deliver(created(zh_ticket, language="zh"))
    await notify.deliver(created(en_ticket, requester_email="ADA@example.com"))
    await notify.deliver(created(bobs, requester_email="bob@example.com"))
    await notify.deliver(created(charlies, requester_email="charlie@example.com"))
    await notify.deliver(closed(charlies))
    event = resolved([zh_ticket, en_ticket, bobs, charlies, uuid.uuid4()])
    assert await notify.deliver(event) == "processed"
    await forget(notify.pool, event)
    assert await notify.deliver(event) == "processed"
    assert await deliveries(notify.pool) == [
        ("email:ada@example.com", "problem.resolved"),
        ("email:bob@example.com", "problem.resolved"),
    ]

    found = await mails(notify.pool, smtp_server)
    ada, bob = found["ada@example.com"], found["bob@example.com"]
    assert ada["Subject"] == "已修复：VPN 网关证书过期"
    ada_body = ada.get_content()
    assert "导致您工单的问题已修复：VPN 网关证书过期。" in ada_body
    assert ada_body.count("- VPN drops every 10 minutes") == 2
    assert "未关闭的工单已标记为已解决" in ada_body
    assert bob["Subject"] == "Fixed: VPN 网关证书过期"
    bob_body = bob.get_content()
    assert "The problem behind your ticket has been fixed: VPN 网关证书过期." in bob_body
    assert "we have resolved the open ones" in bob_body.lower()
    assert "certificate expired" not in ada_body + bob_body, "the root cause stays internal"


async def test_webhooks_get_a_resolved_problem_like_any_event(
    notify: NotifyHarness, receiver: Receiver
) -> None:
    async with notify.pool.acquire() as conn:
        every = await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl(receiver.url("every")), subscribe=False),
            secret="whsec_every-secret-value",
        )
        problems = await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl(receiver.url("problems")), subscribe=False),
            secret="whsec_problems-secret-value",
        )
    await subscribe(notify.pool, target={"kind": "endpoint", "endpoint_id": str(every.id)})
    await subscribe(
        notify.pool,
        event_types=["problem.resolved"],
        target={"kind": "endpoint", "endpoint_id": str(problems.id)},
    )
    event = resolved([uuid.uuid4()], resolve=False)
    _, suggested = suggestion(uuid.uuid4(), item("Gateway runbook", public=False))
    assert await notify.deliver(event) == "processed"
    assert await notify.deliver(suggested) == "processed"

    async with new_session() as http:
        await drain(build_dispatcher(notify.pool, http, clock=FakeClock(AT)))
    got = sorted((r.path.rsplit("/", 1)[-1], json.loads(r.body)["type"]) for r in receiver.received)
    assert got == [
        ("every", "knowledge.suggested"),
        ("every", "problem.resolved"),
        ("problems", "problem.resolved"),
    ]
    body = next(json.loads(r.body) for r in receiver.received if r.path.endswith("problems"))
    assert body["data"]["permanent_fix"] == "renewed the certificate, renewal automated"
