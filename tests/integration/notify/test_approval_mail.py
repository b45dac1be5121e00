# ruff: noqa: RUF001
"""Intake's approval rounds through notify's own event table: each approver the round names
gets one mail over real SMTP (aiosmtpd) in the ticket's language, with the subject, the amount
and approve/reject links signed for them alone, which intake's link pages honour (GET shows,
POST decides); the escalation goes to the escalation contacts; each mail once, however often
its event arrives."""

import dataclasses
import re
import uuid
from collections.abc import AsyncIterator
from email.message import EmailMessage
from urllib.parse import urlsplit

import asyncpg
import pytest

from tests.integration.intake.conftest import (
    SYSTEM_TOKEN,
    IntakeApi,
    closing,
    intake_harness,
    intake_settings,
)
from tests.integration.notify.conftest import (
    FakeClock,
    NotifyHarness,
    SmtpServer,
    build_dispatcher,
    drain,
    notify_settings,
)
from tests.support.schemas import fresh_schema
from ticketflow_common.approval_links import read_approval_link
from ticketflow_common.envelope import Envelope
from ticketflow_intake.commands.approvals import run_due_rounds
from ticketflow_notify.adapters.http_sender import new_session

pytestmark = pytest.mark.integration

SECRET = "approval-link-secret-for-tests-0123456789"
INTAKE_URL = "https://desk.example.com/intake/"
LINK = re.compile(r"https://desk\.example\.com/intake/approval-links/(\S+)")


@pytest.fixture
async def intake(
    database_url: str, kafka_bootstrap: str, clock: FakeClock
) -> AsyncIterator[IntakeApi]:
    """Intake beside notify on notify's clock, verifying approval links with the secret notify
    signs them with."""
    async with fresh_schema(database_url, "intake", max_size=6) as (pool, schema):
        settings = intake_settings(database_url, kafka_bootstrap, approval_link_secret=SECRET)
        harness = intake_harness(settings=settings, pool=pool, schema=schema, clock=clock)
        async with closing(harness):
            yield IntakeApi.on(harness)


def with_links(notify: NotifyHarness) -> NotifyHarness:
    settings = notify_settings(approval_public_url=INTAKE_URL, approval_link_secret=SECRET)
    return dataclasses.replace(
        notify, runtime=dataclasses.replace(notify.runtime, settings=settings)
    )


async def mails(pool: asyncpg.Pool, smtp: SmtpServer, clock: FakeClock) -> dict[str, EmailMessage]:
    """Dispatch everything due over real SMTP; the messages the server accepted, by To."""
    settings = notify_settings(smtp_port=smtp.port, smtp_from="Ticketflow <notify@example.com>")
    async with new_session() as http:
        await drain(build_dispatcher(pool, http, clock=clock, settings=settings))
    found = {str(m["To"]): m for m in smtp.mailbox.messages}
    smtp.mailbox.messages.clear()
    return found


async def rounds_of(intake: IntakeApi, ticket_id: str) -> list[Envelope]:
    return [
        Envelope.model_validate(e)
        for e in await intake.outbox_events(ticket_id)
        if e["type"] == "ticket.approval_requested"
    ]


async def test_approvers_get_their_own_working_links_then_the_escalation_contact(
    intake: IntakeApi, notify: NotifyHarness, smtp_server: SmtpServer
) -> None:
    harness = with_links(notify)
    async with intake.admin as http:
        await http.put(
            "/categories/purchase",
            json={
                "name": "采购",
                "approval_threshold": "5000",
                "approvers": [
                    {"approver_id": "boss-1", "email": "Boss@Example.com", "name": "王经理"},
                    {"approver_id": "boss-2", "email": "deputy@example.com"},
                ],
                "approval_escalation": [{"approver_id": "cfo-1", "email": "cfo@example.com"}],
                "approval_reminder_minutes": 60,
                "approval_escalation_minutes": 120,
            },
        )
        filed = await http.post(
            "/tickets",
            json={
                "subject": "采购 20 台笔记本电脑",
                "requester": {"id": "u-7"},
                "category": "purchase",
                "amount": "128000",
                "language": "zh",
            },
        )
    ticket_id = filed.json()["id"]
    for event in await intake.outbox_events(ticket_id):
        assert await harness.deliver(Envelope.model_validate(event)) == "processed"
    [request] = await rounds_of(intake, ticket_id)
    assert await harness.deliver(request) == "duplicate"

    found = await mails(harness.pool, smtp_server, harness.clock)
    assert sorted(found) == ["boss@example.com", "deputy@example.com"]
    boss = found["boss@example.com"]
    assert boss["Subject"] == "待审批：采购 20 台笔记本电脑"
    assert boss["X-Ticketflow-Event-Type"] == "ticket.approval_requested"
    body = boss.get_content()
    assert body.startswith("王经理，您好：")
    assert "金额：128,000.00" in body
    assert "类别：purchase" in body
    tokens = LINK.findall(body)
    links = [read_approval_link(token=t, secret=SECRET, now=intake.clock()) for t in tokens]
    assert [(x.approver_id, x.decision) for x in links if x] == [
        ("boss-1", "approve"),
        ("boss-1", "reject"),
    ]
    assert {str(x.approval_id) for x in links if x} == {request.data["approval_id"]}
    deputy_tokens = LINK.findall(found["deputy@example.com"].get_content())
    deputy = read_approval_link(token=deputy_tokens[0], secret=SECRET, now=intake.clock())
    assert deputy is not None
    assert deputy.approver_id == "boss-2"

    intake.clock.advance(3600)  # notify's clock too: they share it
    async with intake.pool.acquire() as conn:
        assert await run_due_rounds(conn=conn, now=intake.clock()) == 1
    intake.clock.advance(3600)  # notify's clock too: they share it
    async with intake.pool.acquire() as conn:
        assert await run_due_rounds(conn=conn, now=intake.clock()) == 1
    _, reminder, escalation = await rounds_of(intake, ticket_id)
    assert await harness.deliver(reminder) == "processed"
    assert await harness.deliver(escalation) == "processed"
    later = await mails(harness.pool, smtp_server, harness.clock)
    assert sorted(later) == ["boss@example.com", "cfo@example.com", "deputy@example.com"]
    assert later["boss@example.com"]["Subject"] == "提醒：待审批：采购 20 台笔记本电脑"
    assert later["cfo@example.com"]["Subject"] == "升级：审批已超时：采购 20 台笔记本电脑"
    assert "升级联系人" in later["cfo@example.com"].get_content()

    [approve, _reject] = LINK.findall(later["cfo@example.com"].get_content())
    path = urlsplit(f"{INTAKE_URL.rstrip('/')}/approval-links/{approve}").path
    path = path.removeprefix("/intake")
    async with intake.client() as browser:
        shown = await browser.get(path)
        decided = await browser.post(path)
    assert shown.status_code == 200
    assert "采购 20 台笔记本电脑" in shown.text
    assert decided.status_code == 200, decided.text
    async with intake.client(SYSTEM_TOKEN) as http:
        ticket = (await http.get(f"/tickets/{ticket_id}")).json()
    assert ticket["status"] == "open"
    decided_events = [
        e for e in await intake.outbox_events(ticket_id) if e["type"] == "ticket.approval_decided"
    ]
    assert [(e["data"]["approver_id"], e["data"]["via"]) for e in decided_events] == [
        ("cfo-1", "link")
    ]


async def test_in_english_without_a_secret_the_mail_says_where_to_decide(
    notify: NotifyHarness, smtp_server: SmtpServer, intake: IntakeApi
) -> None:
    async with intake.admin as http:
        await http.put(
            "/categories/purchase",
            json={
                "name": "Purchases",
                "approvers": [{"approver_id": "boss-1", "email": "boss@example.com"}],
            },
        )
        filed = await http.post(
            "/tickets",
            json={
                "subject": "Twenty laptops",
                "requester": {"id": "u-7"},
                "category": "purchase",
                "amount": "6000",
            },
        )
    ticket_id = filed.json()["id"]
    for event in await intake.outbox_events(ticket_id):
        await notify.deliver(Envelope.model_validate(event))
    found = await mails(notify.pool, smtp_server, notify.clock)
    assert list(found) == ["boss@example.com"]
    body = found["boss@example.com"].get_content()
    assert found["boss@example.com"]["Subject"] == "Approval needed: Twenty laptops"
    assert "Amount: 6,000.00" in body
    assert "approval-links" not in body
    assert f"POST /tickets/{ticket_id}/approval" in body
    assert str(uuid.UUID(ticket_id)) in body
