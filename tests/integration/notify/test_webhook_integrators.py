"""What webhook-only integrators get (#19): a test event the `standardwebhooks` library
verifies, wildcard and ticket filters, and per-ticket ordering, against a real receiver."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from tests.integration.notify.conftest import (
    T0,
    FakeClock,
    NotifyHarness,
    Receiver,
    build_dispatcher,
    drain,
)
from tests.integration.notify.events import assigned, breached
from tests.support.webhooks import failing_first_attempt_of
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import TicketCreated
from ticketflow_notify.adapters.http_sender import new_session

pytestmark = pytest.mark.integration


def ticket(
    ticket_id: uuid.UUID, *, category: str, tags: list[str], tier: str, email: str
) -> Envelope:
    data = TicketCreated(
        ticket_id=ticket_id,
        priority="high",
        category=category,
        team="network",
        required_skills=[],
        requester_id=f"u-{email}",
        requester_tier=tier,
        requester_email=email,
        subject="VPN 每十分钟断开一次",
        tags=tags,
        created_at=T0,
    )
    return new_event(data, source="/tests/intake", subject=str(ticket_id), time=T0)


async def endpoint_at(api: httpx.AsyncClient, url: str, **fields: Any) -> dict[str, Any]:
    created = await api.post("/endpoints", json={"url": url, **fields})
    assert created.status_code == 201, created.text
    answer: dict[str, Any] = created.json()
    return answer


async def send_due(pool: asyncpg.Pool, clock: FakeClock) -> int:
    async with new_session() as http:
        return await drain(build_dispatcher(pool, http, clock=clock, schedule=[0.0, 0.0]))


async def test_a_test_event_arrives_signed_and_verifies_with_the_library(
    notify: NotifyHarness, notify_pool: asyncpg.Pool, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))  # the library checks the time
    endpoint = await endpoint_at(api, receiver.url())
    sent = await api.post(f"/endpoints/{endpoint['id']}/test", json={"message": "你好, hooks"})
    assert sent.status_code == 202, sent.text
    assert sent.json()["event_type"] == "ticketflow.test"
    await send_due(notify_pool, clock)
    (request,) = receiver.received
    payload = Webhook(endpoint["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "ticketflow.test"
    assert payload["id"] == sent.json()["event_id"]
    assert request.headers["webhook-id"] == sent.json()["delivery_id"]
    assert payload["data"] == {
        "endpoint_id": endpoint["id"],
        "message": "你好, hooks",
        "test": True,
    }
    delivery = (await api.get(f"/deliveries/{sent.json()['delivery_id']}")).json()
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 1)
    assert (await api.post(f"/endpoints/{uuid.uuid4()}/test")).status_code == 404
    refused = await api.post(f"/endpoints/{endpoint['id']}/test", json={"message": ""})
    assert refused.status_code == 422
    assert "message" in refused.text


async def test_wildcard_and_ticket_filters_deliver_exactly_the_matching_events(
    notify: NotifyHarness, notify_pool: asyncpg.Pool, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    filters: dict[str, dict[str, Any]] = {
        "all": {"event_types": ["*"]},
        "sla": {"event_types": ["sla.*"]},
        "network": {"categories": ["network"]},
        "vpn_sla": {"event_types": ["sla.*"], "tags": ["vpn"]},
        "vip": {"tiers": ["vip"]},
        "ada": {"requesters": ["ADA@example.com"]},
    }
    for name, rule in filters.items():
        endpoint = await endpoint_at(api, receiver.url(name), subscribe=False)
        target = {"kind": "endpoint", "endpoint_id": endpoint["id"]}
        made = await api.post("/subscriptions", json={**rule, "target": target})
        assert made.status_code == 201, made.text
        assert all(made.json()[k] == v for k, v in rule.items())
    # an endpoint's own subscription takes the same filters
    await endpoint_at(api, receiver.url("billing"), event_types=["sla.*"], categories=["billing"])
    a, b = uuid.uuid4(), uuid.uuid4()
    events = [
        ticket(a, category="network", tags=["vpn"], tier="vip", email="ada@example.com"),
        ticket(b, category="billing", tags=[], tier="standard", email="bob@example.com"),
        breached(a),
        breached(b),
        assigned(a),
    ]
    for event in events:
        await notify.deliver(event)
    await send_due(notify_pool, FakeClock(T0))

    got: dict[str, set[tuple[str, str]]] = {name: set() for name in [*filters, "billing"]}
    for request in receiver.received:
        body = json.loads(request.body)
        got[request.path].add((body["type"], body["subject"]))
    every = {(e.type, e.subject) for e in events}
    of_a = {(e.type, e.subject) for e in events if e.subject == str(a)}
    assert got == {
        "all": every,
        "sla": {("sla.breached", str(a)), ("sla.breached", str(b))},
        "network": of_a,
        "vpn_sla": {("sla.breached", str(a))},
        "vip": of_a,
        "ada": of_a,
        "billing": {("sla.breached", str(b))},
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("event_types", ["sla*"]),
        ("event_types", ["*.breached"]),
        ("categories", [""]),
        ("tags", ["x" * 101]),
        ("tiers", "vip"),
        ("requesters", [None]),
    ],
)
async def test_bad_filters_are_422_naming_the_field(
    api: httpx.AsyncClient, receiver: Receiver, field: str, value: Any
) -> None:
    endpoint = await endpoint_at(api, receiver.url(), subscribe=False)
    target = {"kind": "endpoint", "endpoint_id": endpoint["id"]}
    refused = await api.post("/subscriptions", json={field: value, "target": target})
    assert refused.status_code == 422, refused.text
    assert field in refused.text
    assert (await api.get("/subscriptions")).json()["items"] == []
    bad_endpoint = await api.post(
        "/endpoints", json={"url": receiver.url(), "event_types": ["*.*"]}
    )
    assert bad_endpoint.status_code == 422
    assert "event_types" in bad_endpoint.text


def ticket_order(receiver: Receiver, ticket_id: uuid.UUID) -> list[tuple[str, int]]:
    """(event type, status answered) of each request about one ticket, in arrival order."""
    return [
        (json.loads(r.body)["type"], r.answered)
        for r in receiver.received
        if json.loads(r.body)["subject"] == str(ticket_id)
    ]


async def deliver_three(notify: NotifyHarness, ticket_id: uuid.UUID) -> None:
    await notify.deliver(
        ticket(ticket_id, category="network", tags=[], tier="vip", email="ada@example.com")
    )
    await notify.deliver(assigned(ticket_id))
    await notify.deliver(breached(ticket_id))


async def test_per_ticket_ordering_keeps_one_tickets_events_in_order_through_retries(
    notify: NotifyHarness, notify_pool: asyncpg.Pool, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    receiver.answer = failing_first_attempt_of({"ticket.created"})
    ordered = await endpoint_at(api, receiver.url("ordered"), ordering="per_ticket")
    assert ordered["ordering"] == "per_ticket"
    a, b = uuid.uuid4(), uuid.uuid4()
    await deliver_three(notify, a)
    await deliver_three(notify, b)
    await send_due(notify_pool, FakeClock(T0))
    in_order = [
        ("ticket.created", 503),
        ("ticket.created", 204),
        ("ticket.assigned", 204),
        ("sla.breached", 204),
    ]
    assert ticket_order(receiver, a) == in_order
    assert ticket_order(receiver, b) == in_order
    # both tickets were in flight together: the order is per ticket, not per endpoint
    first_claim = [json.loads(r.body)["subject"] for r in receiver.received[:2]]
    assert set(first_claim) == {str(a), str(b)}


async def test_without_per_ticket_ordering_a_retry_lets_later_events_overtake(
    notify: NotifyHarness, notify_pool: asyncpg.Pool, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    """What per_ticket fixes: the default sends a ticket's events side by side."""
    receiver.answer = failing_first_attempt_of({"ticket.created"})
    endpoint = await endpoint_at(api, receiver.url("any"))
    assert endpoint["ordering"] == "none"
    a = uuid.uuid4()
    await deliver_three(notify, a)
    await send_due(notify_pool, FakeClock(T0))
    arrived = ticket_order(receiver, a)
    assert arrived.index(("ticket.created", 204)) > arrived.index(("ticket.assigned", 204))
    changed = await api.patch(f"/endpoints/{endpoint['id']}", json={"ordering": "per_ticket"})
    assert changed.json()["ordering"] == "per_ticket"
    assert (
        await api.patch(f"/endpoints/{endpoint['id']}", json={"ordering": "x"})
    ).status_code == 422
