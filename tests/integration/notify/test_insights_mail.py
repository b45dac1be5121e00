# ruff: noqa: RUF001
"""Insights' events through notify's own event table: a staffing gap mails its team lead, a
report each of its recipients, an at-risk ticket its assignee, with no subscription needed and
in the reader's language (Chinese too, over real SMTP); webhook and chat subscriptions get them
like any other event, filtered by team."""

import dataclasses
import json
import uuid
from datetime import UTC, datetime, timedelta
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
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import (
    ReportFigure,
    ReportPublished,
    SlaAtRisk,
    StaffingGapForecast,
)
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.domain.quiet_hours import RecipientPreferences
from ticketflow_notify.domain.subscriptions import NewSubscription
from ticketflow_notify.store.endpoints import insert_endpoint
from ticketflow_notify.store.recipients import upsert_recipient
from ticketflow_notify.store.subscriptions import insert_subscription

pytestmark = pytest.mark.integration

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINDOW_START = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
INSIGHTS_URL = "https://insights.example.com/"


def insights_event(data: StaffingGapForecast | ReportPublished | SlaAtRisk, key: str) -> Envelope:
    return new_event(data, source="/ticketflow/insights", subject=key, time=AT)


def gap(*, team: str = "network", lead: str | None = "lead@example.com") -> Envelope:
    data = StaffingGapForecast(
        gap_id=uuid.uuid4(),
        team=team,
        team_name="网络支持" if team == "network" else None,
        starts_at=WINDOW_START,
        ends_at=WINDOW_START + timedelta(hours=2),
        interval_minutes=30,
        forecast_arrivals=42.5,
        required_agents=5,
        scheduled_agents=3,
        shortfall=2,
        service_level_target=0.8,
        answer_within_seconds=1800,
        team_lead_id=uuid.uuid4(),
        team_lead_email=lead,
        forecast_at=AT,
    )
    return insights_event(data, team)


def report(*, team: str | None = "network", recipients: list[str]) -> Envelope:
    report_id = uuid.uuid4()
    data = ReportPublished(
        report_id=report_id,
        kind="weekly",
        team=team,
        period_start=datetime(2026, 2, 23, tzinfo=UTC),
        period_end=datetime(2026, 3, 2, tzinfo=UTC),
        title="第 9 周：网络支持",
        figures=[
            ReportFigure(name="CSAT 4-5", value=91.25, target=90.0, previous=88.0, unit="%"),
            ReportFigure(name="handled", value=120, previous=100),
            ReportFigure(name="resolution p50", value=None, target=172800.0, unit="s"),
        ],
        links={
            "json": f"/reports/{report_id}",
            "csv": f"/reports/{report_id}.csv",
            "html": f"/reports/{report_id}.html",
        },
        recipients=recipients,
        published_at=AT,
    )
    return insights_event(data, str(report_id))


def at_risk(ticket_id: uuid.UUID, *, assignee: str | None) -> Envelope:
    data = SlaAtRisk(
        ticket_id=ticket_id,
        metric="first_response",
        team="network",
        priority="urgent",
        assignee_id=uuid.uuid4() if assignee else None,
        assignee_email=assignee,
        team_lead_email="lead@example.com",
        probability=0.73,
        threshold=0.6,
        due_at=WINDOW_START,
        reasons=["3 tickets ahead in the queue", "无人值班至 10:00"],
        assessed_at=AT,
    )
    return insights_event(data, str(ticket_id))


@pytest.fixture
def harness(notify: NotifyHarness) -> NotifyHarness:
    """Notify's event table as the service builds it, with insights at a public address."""
    runtime = dataclasses.replace(
        notify.runtime, settings=notify_settings(insights_url=INSIGHTS_URL)
    )
    return dataclasses.replace(notify, runtime=runtime)


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


async def test_a_staffing_gap_mails_the_team_lead_in_utf8_without_a_subscription(
    harness: NotifyHarness, smtp_server: SmtpServer
) -> None:
    event = gap()
    assert await harness.deliver(event) == "processed"
    assert await harness.deliver(event) == "duplicate"
    assert await harness.deliver(gap(lead=None)) == "processed"  # nobody named: nobody mailed
    assert await deliveries(harness.pool) == [("email:lead@example.com", "staffing.gap_forecast")]

    mail = (await mails(harness.pool, smtp_server))["lead@example.com"]
    assert mail["Subject"] == "Staffing gap for 网络支持 2026-03-03 09:00-11:00 UTC: 2 agents short"
    assert mail["X-Ticketflow-Event-Type"] == "staffing.gap_forecast"
    assert mail.get_content_charset() == "utf-8"
    body = mail.get_content()
    assert "网络支持 is forecast to have too few agents on 2026-03-03 09:00-11:00 UTC" in body
    assert "Agents required:   5" in body
    assert "Agents scheduled:  3" in body
    assert "80% answered within 30 min" in body


async def test_a_report_mails_each_recipient_in_their_language_with_figures_and_links(
    harness: NotifyHarness, smtp_server: SmtpServer
) -> None:
    async with harness.pool.acquire() as conn:
        await upsert_recipient(
            conn=conn,
            email="zhang@example.com",
            preferences=RecipientPreferences(language="zh-CN", time_zone="Asia/Shanghai"),
        )
    event = report(recipients=["Lead@Example.com", "zhang@example.com", "not an address"])
    assert await harness.deliver(event) == "processed"
    assert [t for t, _ in await deliveries(harness.pool)] == [
        "email:lead@example.com",
        "email:zhang@example.com",
    ]

    found = await mails(harness.pool, smtp_server)
    report_id = event.subject
    english, chinese = found["lead@example.com"], found["zhang@example.com"]
    assert english["Subject"] == chinese["Subject"] == "第 9 周：网络支持"
    lines = english.get_content().splitlines()
    assert "Weekly report for team network, 2026-02-23 to 2026-03-02." in lines
    table = lines[lines.index("| Figure | Value | Target | Previous |") :]
    assert table[2:5] == [
        "| CSAT 4-5 | 91.25% | 90% | 88% |",
        "| handled | 120 | - | 100 |",
        "| resolution p50 | - | 172,800 s | - |",
    ]
    assert f"- HTML: https://insights.example.com/reports/{report_id}.html" in lines
    assert f"- CSV: https://insights.example.com/reports/{report_id}.csv" in lines
    assert f"- JSON: https://insights.example.com/reports/{report_id}" in lines
    zh_lines = chinese.get_content().splitlines()
    assert "周报：团队 network，2026-02-23 至 2026-03-02。" in zh_lines
    assert "| 指标 | 数值 | 目标 | 上期 |" in zh_lines
    assert "| CSAT 4-5 | 91.25% | 90% | 88% |" in zh_lines
    assert f"- HTML: https://insights.example.com/reports/{report_id}.html" in zh_lines


async def test_an_at_risk_ticket_mails_its_assignee_when_insights_knows_one(
    harness: NotifyHarness, smtp_server: SmtpServer
) -> None:
    ticket, unowned = uuid.uuid4(), uuid.uuid4()
    await harness.deliver(created(ticket))
    assert await harness.deliver(at_risk(ticket, assignee="Grace@example.com")) == "processed"
    assert await harness.deliver(at_risk(unowned, assignee=None)) == "processed"
    assert await deliveries(harness.pool) == [("email:grace@example.com", "sla.at_risk")]

    mail = (await mails(harness.pool, smtp_server))["grace@example.com"]
    assert mail["Subject"] == "At risk (73%): VPN drops every 10 minutes"
    body = mail.get_content()
    assert f"Ticket {ticket} may miss its first response target" in body
    assert "a 73% chance (alert threshold 60%)" in body
    assert "- 无人值班至 10:00" in body


async def test_role_subscriptions_resolve_the_people_insights_events_name(
    harness: NotifyHarness,
) -> None:
    """A team-lead subscription hears of at-risk tickets from the lead the event names; a
    subscription naming the addressed person adds no second delivery."""
    await subscribe(
        harness.pool, event_types=["sla.at_risk"], target={"kind": "role", "role": "team_lead"}
    )
    await subscribe(harness.pool, target={"kind": "email", "address": "LEAD@example.com"})
    await harness.deliver(at_risk(uuid.uuid4(), assignee="grace@example.com"))
    await harness.deliver(gap())
    assert await deliveries(harness.pool) == [
        ("email:grace@example.com", "sla.at_risk"),
        ("email:lead@example.com", "sla.at_risk"),
        ("email:lead@example.com", "staffing.gap_forecast"),
    ]


async def test_webhook_and_chat_subscriptions_get_insights_events_filtered_by_team(
    harness: NotifyHarness, receiver: Receiver
) -> None:
    async with harness.pool.acquire() as conn:
        hook = await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl(receiver.url("hook")), subscribe=False),
            secret="whsec_hook-secret-value",
        )
        chat = await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl(receiver.url("chat")), kind="chat", subscribe=False),
            secret="whsec_chat-secret-value",
        )
    await subscribe(
        harness.pool, teams=["network"], target={"kind": "endpoint", "endpoint_id": str(hook.id)}
    )
    await subscribe(
        harness.pool,
        event_types=["staffing.gap_forecast"],
        target={"kind": "endpoint", "endpoint_id": str(chat.id)},
    )
    network_gap, billing_gap = gap(), gap(team="billing", lead=None)
    for event in (
        network_gap,
        billing_gap,
        report(team=None, recipients=[]),  # the whole organisation's: no team to match
        report(team="network", recipients=[]),
        at_risk(uuid.uuid4(), assignee=None),
    ):
        assert await harness.deliver(event) == "processed"
    rows = await harness.pool.fetch(
        "SELECT endpoint_id, event_type, subject FROM deliveries WHERE endpoint_id IS NOT NULL"
    )
    by_endpoint = {
        (r["endpoint_id"], r["event_type"], r["subject"] == billing_gap.subject) for r in rows
    }
    assert by_endpoint == {
        (hook.id, "staffing.gap_forecast", False),
        (hook.id, "report.published", False),
        (hook.id, "sla.at_risk", False),
        (chat.id, "staffing.gap_forecast", False),
        (chat.id, "staffing.gap_forecast", True),
    }
    assert len(rows) == 5

    async with new_session() as http:
        await drain(build_dispatcher(harness.pool, http, clock=FakeClock(AT)))
    hooks = [r for r in receiver.received if r.path.endswith("hook")]
    assert sorted(json.loads(r.body)["type"] for r in hooks) == [
        "report.published",
        "sla.at_risk",
        "staffing.gap_forecast",
    ]
    gap_hook = next(r for r in hooks if r.event_type == "staffing.gap_forecast")
    assert json.loads(gap_hook.body)["data"]["team_name"] == "网络支持"
    texts = sorted(json.loads(r.body)["text"] for r in receiver.received if r.path.endswith("chat"))
    assert [t.splitlines()[0] for t in texts] == [
        "*Staffing gap for billing 2026-03-03 09:00-11:00 UTC: 2 agents short*",
        "*Staffing gap for 网络支持 2026-03-03 09:00-11:00 UTC: 2 agents short*",
    ]
