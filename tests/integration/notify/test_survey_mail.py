# ruff: noqa: RUF001
"""The satisfaction loop through notify's own event table: a survey invitation (and its one
reminder) mails the requester, in the ticket's language, one signed one-click link per rating
to intake's public address (none without a secret); a negative rating mails the team lead
routing named, or only the team's subscribers when no lead is known; each mail once."""

import dataclasses
import re
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import asyncpg
import pytest

from tests.integration.notify.conftest import (
    FakeClock,
    NotifyHarness,
    SmtpServer,
    build_dispatcher,
    drain,
    notify_settings,
)
from tests.integration.notify.events import assigned, created
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import FeedbackNegative, TicketSurveyRequested
from ticketflow_common.survey_links import SurveyLink, read_survey_link
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.subscriptions import NewSubscription
from ticketflow_notify.store.subscriptions import insert_subscription

pytestmark = pytest.mark.integration

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SECRET = "survey-link-secret-for-tests-0123456789"
INTAKE_URL = "https://desk.example.com/intake/"
LINK = re.compile(r"https://desk\.example\.com/intake/survey-links/([^\s?]+)\?rating=(\d)")


def survey(
    ticket_id: uuid.UUID, *, round: str = "invitation", language: str = "en"
) -> tuple[TicketSurveyRequested, Envelope]:
    data = TicketSurveyRequested(
        ticket_id=ticket_id,
        status="resolved",
        priority="urgent",
        team="network",
        language=language,
        required_skills=[],
        requester_id="u-1",
        survey_id=uuid.uuid4(),
        round=round,
        cycle=1,
        subject="VPN drops every 10 minutes",
        requester_email="Ada@Example.com",
        expires_at=AT + timedelta(days=14),
        requested_at=AT,
        version=3,
    )
    return data, new_event(data, source="/tests/intake", subject=str(ticket_id), time=AT)


def negative(ticket_id: uuid.UUID, *, team: str = "network") -> Envelope:
    data = FeedbackNegative(
        ticket_id=ticket_id,
        status="resolved",
        priority="urgent",
        team=team,
        required_skills=[],
        requester_id="u-1",
        survey_id=uuid.uuid4(),
        rating=1,
        comment="还是断线 <b>again</b>",
        subject="VPN drops every 10 minutes",
        follow_up_ticket_id=uuid.uuid4(),
        received_at=AT,
        version=4,
    )
    return new_event(data, source="/tests/intake", subject=str(ticket_id), time=AT)


def with_links(notify: NotifyHarness, *, secret: str | None = SECRET) -> NotifyHarness:
    settings = notify_settings(survey_public_url=INTAKE_URL, survey_link_secret=secret)
    return dataclasses.replace(
        notify, runtime=dataclasses.replace(notify.runtime, settings=settings)
    )


async def mails(pool: asyncpg.Pool, smtp: SmtpServer) -> list[EmailMessage]:
    settings = notify_settings(smtp_port=smtp.port, smtp_from="Ticketflow <notify@example.com>")
    async with new_session() as http:
        await drain(build_dispatcher(pool, http, clock=FakeClock(AT), settings=settings))
    return list(smtp.mailbox.messages)


async def subscribe(pool: asyncpg.Pool, **fields: Any) -> None:
    async with pool.acquire() as conn:
        await insert_subscription(
            conn=conn, subscription_id=uuid.uuid4(), new=NewSubscription.model_validate(fields)
        )


async def test_the_invitation_mails_one_click_rating_links_intake_can_read_once(
    notify: NotifyHarness, smtp_server: SmtpServer
) -> None:
    harness = with_links(notify)
    ticket = uuid.uuid4()
    await harness.deliver(created(ticket, language="zh"))
    data, event = survey(ticket, language="zh")
    assert await harness.deliver(event) == "processed"
    assert await harness.deliver(event) == "duplicate"
    await harness.pool.execute("DELETE FROM processed_events WHERE event_id = $1", event.id)
    assert await harness.deliver(event) == "processed"

    (mail,) = await mails(harness.pool, smtp_server)
    assert mail["To"] == "ada@example.com"
    assert mail["Subject"] == "请评价我们的服务：VPN drops every 10 minutes"
    assert mail["X-Ticketflow-Event-Type"] == "ticket.survey_requested"
    body = mail.get_content()
    assert "您的工单“VPN drops every 10 minutes”已解决。" in body
    assert "点击一个评分即可完成评价" in body
    assert "非常满意（5 分）" in body
    assert "调查截止时间：2026-03-16 09:30 UTC。" in body
    found = LINK.findall(body)
    assert [int(rating) for _, rating in found] == [5, 4, 3, 2, 1]
    tokens = {token for token, _ in found}
    assert len(tokens) == 1, "one survey page, the rating in the query"
    expected = SurveyLink(survey_id=data.survey_id, ticket_id=ticket, requester_id="u-1")
    assert read_survey_link(token=tokens.pop(), secret=SECRET, now=AT) == expected
    (token,) = {t for t, _ in found}
    assert read_survey_link(token=token, secret=SECRET, now=AT + timedelta(days=15)) is None
    assert read_survey_link(token=token, secret="another-secret-long-enough-012345", now=AT) is None


async def test_the_reminder_in_english_and_no_links_without_a_secret(
    notify: NotifyHarness, smtp_server: SmtpServer
) -> None:
    harness = with_links(notify, secret=None)
    _, reminder = survey(uuid.uuid4(), round="reminder")
    assert await harness.deliver(reminder) == "processed"
    (mail,) = await mails(harness.pool, smtp_server)
    assert " ".join(str(mail["Subject"]).split()) == (
        "Reminder: How did we do? VPN drops every 10 minutes"
    )
    body = mail.get_content()
    assert "this is our only reminder" in body
    assert "survey-links" not in body
    assert "Tell us how satisfied you are (1-5)" in body


async def test_negative_feedback_mails_the_team_lead_routing_named(
    notify: NotifyHarness, smtp_server: SmtpServer
) -> None:
    ticket = uuid.uuid4()
    await notify.deliver(created(ticket))
    await notify.deliver(assigned(ticket, lead_email="Lead@Example.com"))
    event = negative(ticket)
    assert await notify.deliver(event) == "processed"
    assert await notify.deliver(event) == "duplicate"
    (mail,) = await mails(notify.pool, smtp_server)
    assert mail["To"] == "lead@example.com"
    assert mail["Subject"] == "Negative feedback (1/5): VPN drops every 10 minutes"
    body = mail.get_content()
    assert f"The requester rated ticket {ticket}" in body
    assert "1 out of 5 (team network)" in body
    assert "Their comment: 还是断线 <b>again</b>" in body
    assert "A follow-up ticket was opened:" in body


async def test_without_a_known_lead_the_teams_subscribers_hear_of_it(
    notify: NotifyHarness, smtp_server: SmtpServer
) -> None:
    await subscribe(
        notify.pool,
        event_types=["feedback.negative"],
        teams=["network"],
        target={"kind": "email", "address": "network-leads@example.com"},
    )
    await subscribe(
        notify.pool,
        event_types=["feedback.negative"],
        teams=["printing"],
        target={"kind": "email", "address": "printing@example.com"},
    )
    ticket = uuid.uuid4()
    await notify.deliver(created(ticket))
    assert await notify.deliver(negative(ticket)) == "processed"
    assert [m["To"] for m in await mails(notify.pool, smtp_server)] == ["network-leads@example.com"]
