"""Notify carries out rules' and macros' `notify` and `call_webhook` actions: real mail over SMTP,
signed webhooks to a real receiver, each once however often the firing arrives; targets nobody
can be found for become `notification.failed`, never a failed event."""

import json
import uuid
from typing import Any

import pytest
from pydantic import AnyHttpUrl

from tests.integration.notify.conftest import (
    T0,
    FakeClock,
    NotifyHarness,
    Receiver,
    SmtpServer,
    build_dispatcher,
    drain,
    notify_settings,
)
from tests.integration.notify.events import assigned, created
from tests.support.webhooks import failing_first_attempt_of
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import (
    AgentChanged,
    AutomationCause,
    MacroApplied,
    RuleFired,
    TeamChanged,
)
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.endpoints import EndpointChanges, NewEndpoint
from ticketflow_notify.domain.signing import verify
from ticketflow_notify.domain.subscriptions import NewSubscription
from ticketflow_notify.store.endpoints import insert_endpoint, update_endpoint
from ticketflow_notify.store.subscriptions import insert_subscription

pytestmark = pytest.mark.integration

MESSAGE = "打印机又坏了，请尽快处理。第三层的打印机卡纸。"  # noqa: RUF001 (Chinese punctuation)
SUBJECT = "紧急：打印机故障"  # noqa: RUF001


def fired(ticket_id: uuid.UUID, *actions: dict[str, Any]) -> Envelope:
    """`rule.fired` as automation publishes it, its actions rendered."""
    firing = uuid.uuid4()
    rule = uuid.uuid4()
    data = RuleFired.model_validate(
        {
            "ticket_id": ticket_id,
            "firing_id": firing,
            "actions": list(actions),
            "caused_by": AutomationCause(kind="rule", firing_id=firing, rule_id=rule),
            "rule_id": rule,
            "rule_name": "紧急打印机",
            "rule_version": 3,
            "trigger": "event",
            "why": ["ticket.subject contains_text 打印机"],
            "fired_at": T0,
        }
    )
    return new_event(data, source="/ticketflow/automation", subject=str(ticket_id), time=T0)


def applied(ticket_id: uuid.UUID, *actions: dict[str, Any]) -> Envelope:
    firing = uuid.uuid4()
    macro = uuid.uuid4()
    data = MacroApplied.model_validate(
        {
            "ticket_id": ticket_id,
            "firing_id": firing,
            "actions": list(actions),
            "caused_by": AutomationCause(kind="macro", firing_id=firing, macro_id=macro),
            "macro_id": macro,
            "macro_name": "通知主管",
            "actor_id": "agent-7",
            "applied_at": T0,
        }
    )
    return new_event(data, source="/ticketflow/automation", subject=str(ticket_id), time=T0)


async def deliveries(notify: NotifyHarness) -> list[dict[str, Any]]:
    rows = await notify.pool.fetch(
        "SELECT channel, target, event_id, event_type, status, message FROM deliveries"
        " ORDER BY created_at, target"
    )
    return [dict(r) for r in rows]


async def failures(notify: NotifyHarness) -> list[dict[str, Any]]:
    found = await notify.outbox()
    return [e["data"] for e in found if e["type"] == "notification.failed"]


async def a_ticket(notify: NotifyHarness, **created_fields: Any) -> uuid.UUID:
    """A ticket notify projects, owned by grace@example.com (lead: lead@example.com)."""
    ticket = uuid.uuid4()
    assert await notify.deliver(created(ticket, **created_fields)) == "processed"
    assert await notify.deliver(assigned(ticket)) == "processed"
    return ticket


@pytest.mark.parametrize("smtp_server", ["none"], indirect=True)
async def test_notify_the_owner_mails_them_once_with_the_chinese_text_intact(
    notify: NotifyHarness, smtp_server: SmtpServer
) -> None:
    ticket = await a_ticket(notify)
    firing = fired(
        ticket, {"type": "notify", "target": "owner", "message": MESSAGE, "subject": SUBJECT}
    )
    assert await notify.deliver(firing) == "processed"
    assert await notify.deliver(firing) == "duplicate"

    [planned] = await deliveries(notify)
    assert planned["target"] == "email:grace@example.com"
    assert planned["event_id"] == firing.id
    assert planned["event_type"] == "rule.fired"

    settings = notify_settings(smtp_port=smtp_server.port, smtp_from="Ticketflow <n@example.com>")
    async with new_session() as http:
        dispatcher = build_dispatcher(notify.pool, http, clock=FakeClock(T0), settings=settings)
        assert await drain(dispatcher) == 1
    [mail] = smtp_server.mailbox.messages
    assert mail["To"] == "grace@example.com"
    assert mail["Subject"] == SUBJECT
    assert mail.get_content().strip() == MESSAGE
    assert [d["status"] for d in await deliveries(notify)] == ["delivered"]
    sent = [e for e in await notify.outbox() if e["type"] == "notification.sent"]
    assert [e["data"]["event_id"] for e in sent] == [str(firing.id)]


async def test_each_target_kind_resolves_from_what_notify_projects(notify: NotifyHarness) -> None:
    for version, (agent, email) in enumerate(
        [(uuid.uuid4(), "Wang@Example.com"), (uuid.uuid4(), "li@example.com")], start=1
    ):
        changed = AgentChanged(
            agent_id=agent,
            name="王",
            change="created",
            version=version,
            teams=["printers", "network"],
            email=email,
            capacity=3,
            status="online",
            changed_at=T0,
        )
        assert await notify.deliver(changed, subject=str(agent)) == "processed"
    gone = AgentChanged(
        agent_id=uuid.uuid4(),
        name="gone",
        change="removed",
        version=1,
        teams=["printers"],
        email="gone@example.com",
        capacity=0,
        status="offline",
        changed_at=T0,
    )
    assert await notify.deliver(gone, subject=str(gone.agent_id)) == "processed"
    ticket = await a_ticket(notify, watchers=("w1@example.com", "w2@example.com"))
    firing = applied(
        ticket,
        {"type": "notify", "target": "team:printers", "message": MESSAGE},
        {"type": "notify", "target": "team_lead", "message": MESSAGE},
        {"type": "notify", "target": "requester", "message": MESSAGE},
        {"type": "notify", "target": "watchers", "message": MESSAGE},
        {"type": "notify", "target": "Boss@Example.com", "message": MESSAGE},
        {"type": "set_priority", "priority": "urgent"},  # intake's
        {"type": "unassign"},  # routing's
    )
    assert await notify.deliver(firing) == "processed"

    found = await deliveries(notify)
    assert sorted(d["target"] for d in found) == [
        "email:ada@example.com",
        "email:boss@example.com",
        "email:lead@example.com",
        "email:li@example.com",
        "email:w1@example.com",
        "email:w2@example.com",
        "email:wang@example.com",
    ]
    # No subject given: the macro's name and the ticket's subject.
    assert {d["message"]["subject"] for d in found} == {"通知主管: VPN drops every 10 minutes"}
    assert {d["message"]["body"] for d in found} == {MESSAGE}
    assert await failures(notify) == []


async def test_the_team_lead_of_an_unowned_ticket_comes_from_team_changed(
    notify: NotifyHarness,
) -> None:
    lead = uuid.uuid4()
    await notify.deliver(
        AgentChanged(
            agent_id=lead,
            name="Lead",
            change="created",
            version=1,
            teams=["network"],
            email="chief@example.com",
            capacity=1,
            status="online",
            changed_at=T0,
        ),
        subject=str(lead),
    )
    await notify.deliver(
        TeamChanged(
            team="network",
            name="Network",
            change="created",
            archived=False,
            version=1,
            changed_at=T0,
            lead_agent_id=lead,
        ),
        subject="network",
    )
    ticket = uuid.uuid4()
    await notify.deliver(created(ticket))  # queued: no ticket.assigned named a lead
    assert (
        await notify.deliver(
            fired(ticket, {"type": "notify", "target": "team_lead", "message": MESSAGE})
        )
        == "processed"
    )
    assert [d["target"] for d in await deliveries(notify)] == ["email:chief@example.com"]


async def test_targets_nobody_can_be_found_for_become_notification_failed(
    notify: NotifyHarness,
) -> None:
    ticket = uuid.uuid4()
    await notify.deliver(created(ticket, requester_email=None))  # nobody owns it yet
    async with notify.pool.acquire() as conn:
        disabled = await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl("http://127.0.0.1:9/x"), subscribe=False),
            secret="whsec_disabled",
        )
        await update_endpoint(
            conn=conn, endpoint_id=disabled.id, changes=EndpointChanges(enabled=False)
        )
    unknown = uuid.uuid4()
    firing = fired(
        ticket,
        {"type": "notify", "target": "owner", "message": MESSAGE},
        {"type": "notify", "target": "requester", "message": MESSAGE},
        {"type": "notify", "target": "team:nobody", "message": MESSAGE},
        {"type": "call_webhook", "endpoint_id": str(unknown)},
        {"type": "call_webhook", "endpoint_id": str(disabled.id)},
    )
    assert await notify.deliver(firing) == "processed"
    assert await notify.deliver(firing) == "duplicate"

    assert await deliveries(notify) == []
    found = await failures(notify)
    assert [(f["channel"], f["attempts"], f["event_id"]) for f in found] == [
        ("email", 0, str(firing.id))
    ] * 3 + [("webhook", 0, str(firing.id))] * 2
    errors = [f["error"] for f in found]
    assert errors[0] == "notify owner: owner: the ticket has no owner with an address"
    assert errors[1] == "notify requester: requester: the requester has no address"
    assert errors[2] == "notify team:nobody: no agent of team nobody with an address"
    assert errors[3] == f"call_webhook {unknown}: unknown endpoint"
    assert errors[4].startswith(f"call_webhook {disabled.id}: endpoint disabled")
    assert [f["endpoint_id"] for f in found[3:]] == [str(unknown), str(disabled.id)]
    assert len({f["delivery_id"] for f in found}) == 5


async def test_call_webhook_sends_the_firing_signed_and_retries_it(
    notify: NotifyHarness, receiver: Receiver
) -> None:
    receiver.answer = failing_first_attempt_of({"rule.fired"})
    async with notify.pool.acquire() as conn:
        endpoint = await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl(receiver.url("automation")), subscribe=False),
            secret="whsec_automation-test",
        )
    ticket = await a_ticket(notify)
    firing = fired(
        ticket,
        {"type": "call_webhook", "endpoint_id": str(endpoint.id)},
        {"type": "call_webhook", "endpoint_id": str(endpoint.id)},  # one firing, one delivery
        {"type": "add_note", "body": "内部备注"},
    )
    assert await notify.deliver(firing) == "processed"
    assert await notify.deliver(firing) == "duplicate"
    assert len(await deliveries(notify)) == 1

    clock = FakeClock(T0)
    async with new_session() as http:
        dispatcher = build_dispatcher(notify.pool, http, clock=clock, schedule=[5.0])
        assert await drain(dispatcher) == 1
        clock.advance(6)  # the schedule's 5 s, jitter (10%) included
        assert await drain(dispatcher) == 1
    first, second = receiver.received
    assert (first.answered, second.answered) == (503, 204)
    assert first.delivery_id == second.delivery_id
    body = json.loads(second.body)
    assert body == firing.model_dump(mode="json")
    assert body["data"]["rule_name"] == "紧急打印机"
    assert verify(
        secret="whsec_automation-test",
        header=second.headers["ticketflow-signature"],
        body=second.body,
        now=int(clock().timestamp()),
    )
    assert [d["status"] for d in await deliveries(notify)] == ["delivered"]


async def test_subscriptions_to_rule_fired_still_work_and_reach_each_person_once(
    notify: NotifyHarness,
) -> None:
    async with notify.pool.acquire() as conn:
        for address in ("grace@example.com", "audit@example.com"):
            await insert_subscription(
                conn=conn,
                subscription_id=uuid.uuid4(),
                new=NewSubscription.model_validate(
                    {"event_types": ["rule.fired"], "target": {"kind": "email", "address": address}}
                ),
            )
    ticket = await a_ticket(notify)
    firing = fired(
        ticket, {"type": "notify", "target": "owner", "message": MESSAGE, "subject": SUBJECT}
    )
    assert await notify.deliver(firing) == "processed"

    found = {d["target"]: d for d in await deliveries(notify)}
    assert set(found) == {"email:grace@example.com", "email:audit@example.com"}
    # The owner gets the rule's message (the action came first), the auditor the template's.
    assert found["email:grace@example.com"]["message"]["body"] == MESSAGE
    assert found["email:audit@example.com"]["message"]["body"] != MESSAGE
    assert str(ticket) in json.dumps(found["email:audit@example.com"]["message"])


async def test_firings_with_no_action_of_notify_only_fan_out(notify: NotifyHarness) -> None:
    ticket = await a_ticket(notify)
    firing = fired(ticket, {"type": "set_priority", "priority": "urgent"}, {"type": "assign"})
    assert await notify.deliver(firing) == "processed"
    assert await deliveries(notify) == []
    assert await failures(notify) == []
