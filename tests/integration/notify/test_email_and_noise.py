"""Roles resolved to people, mail over real SMTP (plain, STARTTLS, implicit TLS), chat messages,
noise control."""

import json
import uuid
from datetime import time

import asyncpg
import pytest
from pydantic import AnyHttpUrl

from tests.integration.notify.conftest import (
    BYPASS,
    T0,
    FakeClock,
    Receiver,
    SmtpServer,
    build_dispatcher,
    drain,
    fan_out,
    notify_settings,
)
from tests.integration.notify.events import assigned, breached, created, escalated, warning
from ticketflow_common.events import EscalationTarget
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.commands.digests import close_digests
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.domain.quiet_hours import RecipientPreferences
from ticketflow_notify.domain.subscriptions import NewSubscription
from ticketflow_notify.domain.templates import TemplateIn
from ticketflow_notify.store.endpoints import insert_endpoint
from ticketflow_notify.store.recipients import upsert_recipient
from ticketflow_notify.store.subscriptions import insert_subscription
from ticketflow_notify.store.templates import upsert_template

pytestmark = pytest.mark.integration


async def subscribe(pool: asyncpg.Pool, **fields: object) -> None:
    async with pool.acquire() as conn:
        await insert_subscription(
            conn=conn, subscription_id=uuid.uuid4(), new=NewSubscription.model_validate(fields)
        )


async def deliveries(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return list(
        await pool.fetch(
            "SELECT channel, target, event_type, status, next_attempt_at, held_until"
            " FROM deliveries ORDER BY created_at, target"
        )
    )


@pytest.mark.parametrize("smtp_server", ["none", "starttls", "implicit"], indirect=True)
async def test_roles_become_addresses_and_mail_arrives_over_smtp(
    notify_pool: asyncpg.Pool, smtp_server: SmtpServer
) -> None:
    await subscribe(
        notify_pool,
        event_types=["sla.breached"],
        teams=["network"],
        target={"kind": "role", "role": "assignee"},
    )
    await subscribe(
        notify_pool,
        event_types=["sla.breached"],
        priorities=["urgent"],
        target={"kind": "role", "role": "requester"},
    )
    await subscribe(  # another team's: must not match
        notify_pool, teams=["billing"], target={"kind": "email", "address": "billing@example.com"}
    )
    ticket = uuid.uuid4()
    await fan_out(notify_pool, created(ticket, language="de"))
    await fan_out(notify_pool, assigned(ticket))
    assert await fan_out(notify_pool, breached(ticket)) == 2

    settings = notify_settings(
        smtp_port=smtp_server.port,
        smtp_tls=smtp_server.mode,
        smtp_ca_file=smtp_server.ca_file,
        smtp_from="Ticketflow <notify@example.com>",
    )
    clock = FakeClock(T0)
    async with new_session() as http:
        dispatcher = build_dispatcher(notify_pool, http, clock=clock, settings=settings)
        assert await drain(dispatcher) == 2

    mails = {m["To"]: m for m in smtp_server.mailbox.messages}
    assert set(mails) == {"grace@example.com", "ada@example.com"}
    # The ticket is in German and nobody set a preference: the shipped German template.
    assert mails["grace@example.com"]["Subject"] == "SLA verletzt: VPN drops every 10 minutes"
    assert str(ticket) in mails["grace@example.com"].get_content()
    assert all(m["X-Ticketflow-Delivery-Id"] for m in mails.values())
    assert smtp_server.mailbox.tls_used == [smtp_server.mode != "none"] * 2
    assert {r["status"] for r in await deliveries(notify_pool)} == {"delivered"}


async def test_a_redelivered_event_reaches_each_target_once(notify_pool: asyncpg.Pool) -> None:
    """Two subscriptions naming one person, and the event arriving twice: one delivery."""
    await subscribe(notify_pool, target={"kind": "role", "role": "team_lead"})
    await subscribe(notify_pool, target={"kind": "email", "address": "Lead@Example.com"})
    ticket = uuid.uuid4()
    await fan_out(notify_pool, assigned(ticket))
    event = breached(ticket)
    assert await fan_out(notify_pool, event) == 1
    assert await fan_out(notify_pool, event) == 0
    targets = [
        r["target"] for r in await deliveries(notify_pool) if r["event_type"] == "sla.breached"
    ]
    assert targets == ["email:lead@example.com"]


async def test_escalation_targets_and_levels(notify_pool: asyncpg.Pool) -> None:
    await subscribe(
        notify_pool,
        event_types=["sla.escalated"],
        min_escalation_level=2,
        target={"kind": "role", "role": "escalation_targets"},
    )
    ticket = uuid.uuid4()
    await fan_out(notify_pool, assigned(ticket))
    targets = [
        EscalationTarget(kind="owner"),
        EscalationTarget(kind="team_lead"),
        EscalationTarget(kind="person", id="m-1", email="manager@example.com"),
        EscalationTarget(kind="group", id="oncall"),  # no address: nobody to mail
    ]
    assert await fan_out(notify_pool, escalated(ticket, level=1, targets=targets)) == 0
    assert await fan_out(notify_pool, escalated(ticket, level=2, targets=targets)) == 3
    assert {r["target"] for r in await deliveries(notify_pool)} == {
        "email:grace@example.com",
        "email:lead@example.com",
        "email:manager@example.com",
    }


async def test_quiet_hours_hold_routine_mail_but_never_escalations(
    notify_pool: asyncpg.Pool,
) -> None:
    async with notify_pool.acquire() as conn:
        await upsert_recipient(
            conn=conn,
            email="grace@example.com",
            preferences=RecipientPreferences(
                time_zone="Europe/Berlin", quiet_start=time(21, 30), quiet_end=time(8, 0)
            ),
        )
    await subscribe(notify_pool, target={"kind": "role", "role": "assignee"})
    ticket = uuid.uuid4()
    at = T0.replace(hour=21)  # 22:00 in Berlin (UTC+1 in March before the switch)
    await fan_out(notify_pool, assigned(ticket), now=at)
    await fan_out(notify_pool, breached(ticket, at=at), now=at)
    level1 = escalated(ticket, level=1, targets=[EscalationTarget(kind="owner")], at=at)
    await fan_out(notify_pool, level1, now=at)
    rows = {r["event_type"]: r for r in await deliveries(notify_pool)}
    morning = T0.replace(day=3, hour=7)  # 08:00 in Berlin the next day
    assert rows["ticket.assigned"]["held_until"] == morning
    assert rows["sla.breached"]["next_attempt_at"] == morning
    assert rows["sla.escalated"]["held_until"] is None
    assert rows["sla.escalated"]["next_attempt_at"] == at


@pytest.mark.parametrize("smtp_server", ["none"], indirect=True)
async def test_warnings_for_one_team_arrive_as_one_digest_per_window(
    notify_pool: asyncpg.Pool, smtp_server: SmtpServer
) -> None:
    await subscribe(
        notify_pool,
        event_types=["sla.warning"],
        target={"kind": "email", "address": "lead@example.com"},
        digest_seconds=600,
    )
    async with notify_pool.acquire() as conn:
        await upsert_template(
            conn=conn,
            event_type="notification.digest",
            language="en",
            template=TemplateIn(
                subject="{{ items | length }} warnings for {{ team }}",
                body="{% for i in items %}{{ i.subject }}\n{% endfor %}",
            ),
        )
    tickets = [uuid.uuid4() for _ in range(3)]
    for n, ticket in enumerate(tickets):
        assert await fan_out(notify_pool, warning(ticket), now=T0.replace(minute=n)) == 1
    other = uuid.uuid4()
    await fan_out(notify_pool, warning(other, team="billing"))
    assert await deliveries(notify_pool) == []

    clock = FakeClock(T0)

    async def close_due() -> int:
        async with notify_pool.acquire() as conn:
            return await close_digests(conn=conn, now=clock(), policy=BYPASS, limit=100)

    assert await close_due() == 0
    clock.advance(600)
    assert await close_due() == 2  # network and billing
    late = warning(uuid.uuid4())
    assert await fan_out(notify_pool, late, now=clock.now) == 1  # opens a new window

    settings = notify_settings(smtp_port=smtp_server.port, smtp_tls="none")
    async with new_session() as http:
        assert await drain(build_dispatcher(notify_pool, http, clock=clock, settings=settings)) == 2
    subjects = sorted(m["Subject"] for m in smtp_server.mailbox.messages)
    assert subjects == ["1 warnings for billing", "3 warnings for network"]
    network = next(m for m in smtp_server.mailbox.messages if "network" in m["Subject"])
    assert sorted(network.get_content().split()) == sorted(str(t) for t in tickets)


async def test_chat_endpoints_get_slack_compatible_messages(
    notify_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    async with notify_pool.acquire() as conn:
        chat = await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl(receiver.url("chat")), kind="chat", subscribe=False),
            secret="whsec_chat-secret-value",
        )
    await subscribe(
        notify_pool,
        event_types=["sla.breached"],
        teams=["network"],
        target={"kind": "endpoint", "endpoint_id": str(chat.id)},
    )
    ticket = uuid.uuid4()
    await fan_out(notify_pool, created(ticket))  # not subscribed: no message
    await fan_out(notify_pool, breached(ticket))
    await fan_out(notify_pool, breached(uuid.uuid4(), team="billing"))
    async with new_session() as http:
        assert await drain(build_dispatcher(notify_pool, http, clock=FakeClock(T0))) == 1
    [message] = receiver.received
    assert message.headers["content-type"] == "application/json"
    text = json.loads(message.body)["text"]
    assert text.startswith("*SLA breached: VPN drops every 10 minutes*\n")
    assert str(ticket) in text
