"""Notify's HTTP API on the real Postgres: validation, the SSRF guard, secrets, replay."""

import logging
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.integration.notify.conftest import (
    FakeClock,
    NotifyHarness,
    Receiver,
    api_client,
    build_dispatcher,
    drain,
    notify_settings,
)
from tests.integration.notify.events import breached
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.signing import verify

pytestmark = pytest.mark.integration


@pytest.fixture
async def strict_api(notify: NotifyHarness, clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    settings = notify_settings(allowed_private_networks=[])
    async with api_client(notify, settings, clock) as client:
        yield client


def error_fields(response: httpx.Response) -> set[tuple[str | int, ...]]:
    assert response.status_code == 422, response.text
    return {("body", *e["field"].split(".")) for e in response.json()["errors"]}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hooks",
        "http://localhost:9/hooks",
        "http://10.1.2.3/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://[::ffff:192.168.0.1]/hooks",
    ],
)
async def test_private_urls_are_refused_unless_allow_listed(
    strict_api: httpx.AsyncClient, url: str
) -> None:
    response = await strict_api.post("/endpoints", json={"url": url})
    assert error_fields(response) == {("body", "url")}
    assert "NOTIFY_ALLOWED_PRIVATE_NETWORKS" in response.text
    assert (await strict_api.get("/endpoints")).json()["items"] == []


async def test_allow_list_admits_loopback_but_not_link_local(api: httpx.AsyncClient) -> None:
    assert (await api.post("/endpoints", json={"url": "http://127.0.0.1:9/x"})).status_code == 201
    metadata = await api.post("/endpoints", json={"url": "http://169.254.169.254/"})
    assert error_fields(metadata) == {("body", "url")}


async def test_secrets_show_once_rotate_with_overlap_and_never_reach_logs(
    api: httpx.AsyncClient,
    notify: NotifyHarness,
    notify_pool: asyncpg.Pool,
    receiver: Receiver,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    created = await api.post(
        "/endpoints", json={"url": receiver.url(), "owner_email": "ops@example.com"}
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    old_secret = endpoint["secret"]
    for listing in (await api.get("/endpoints"), await api.get(f"/endpoints/{endpoint['id']}")):
        assert "secret" not in listing.text
        assert old_secret not in listing.text

    rotated = await api.post(f"/endpoints/{endpoint['id']}/secrets", json={"overlap_seconds": 3600})
    assert rotated.status_code == 201, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != old_secret
    await notify.deliver(breached(uuid.uuid4()))
    async with new_session() as http:
        dispatcher = build_dispatcher(notify_pool, http, clock=clock)
        assert await drain(dispatcher) == 1
        clock.advance(3601)
        await notify.deliver(breached(uuid.uuid4()))
        assert await drain(dispatcher) == 1

    during, after = receiver.received
    header = during.headers["ticketflow-signature"]
    assert header.count("v1=") == 2
    stamp = int(header.split(",")[0].removeprefix("t="))
    for secret in (old_secret, new_secret):
        assert verify(secret=secret, header=header, body=during.body, now=stamp)
    late = after.headers["ticketflow-signature"]
    assert late.count("v1=") == 1
    late_stamp = int(late.split(",")[0].removeprefix("t="))
    assert verify(secret=new_secret, header=late, body=after.body, now=late_stamp)
    assert not verify(secret=old_secret, header=late, body=after.body, now=late_stamp)

    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert old_secret not in logged
    assert new_secret not in logged


async def test_delivery_log_and_replays(
    api: httpx.AsyncClient,
    notify: NotifyHarness,
    notify_pool: asyncpg.Pool,
    receiver: Receiver,
    clock: FakeClock,
) -> None:
    receiver.answer = lambda _r: 500
    endpoint = (await api.post("/endpoints", json={"url": receiver.url()})).json()
    for _ in range(3):
        await notify.deliver(breached(uuid.uuid4()))
    async with new_session() as http:
        dispatcher = build_dispatcher(notify_pool, http, clock=clock, schedule=[])
        assert await drain(dispatcher) == 3
        failed = await api.get(
            "/deliveries",
            params={"endpoint_id": endpoint["id"], "status": "failed", "channel": "webhook"},
        )
        assert len(failed.json()["items"]) == 3
        one = failed.json()["items"][0]
        detail = (await api.get(f"/deliveries/{one['id']}")).json()
        assert [(a["attempt"], a["status_code"], a["error"]) for a in detail["attempt_log"]] == [
            (1, 500, "HTTP 500")
        ]

        receiver.answer = lambda _r: 204
        replayed = await api.post(f"/deliveries/{one['id']}/replay")
        assert replayed.status_code == 202
        assert await drain(dispatcher) == 1
        assert (await api.get(f"/deliveries/{one['id']}")).json()["status"] == "delivered"

        window = {
            "since": (clock.now - timedelta(minutes=1)).isoformat(),
            "until": (clock.now + timedelta(minutes=1)).isoformat(),
        }
        bulk = await api.post(f"/endpoints/{endpoint['id']}/replay", json=window)
        assert bulk.json() == {"replayed": 2}
        assert await drain(dispatcher) == 2
    log = (await api.get("/deliveries", params={"event_type": "sla.breached"})).json()["items"]
    assert {d["status"] for d in log} == {"delivered"}
    assert len(receiver.per_delivery()) == 3

    missing = await api.post(f"/deliveries/{uuid.uuid4()}/replay")
    assert missing.status_code == 404
    backwards = await api.post(
        f"/endpoints/{endpoint['id']}/replay",
        json={"since": window["until"], "until": window["since"]},
    )
    assert backwards.status_code == 422


async def test_bad_input_is_refused_naming_the_field(api: httpx.AsyncClient) -> None:
    webhook = (await api.post("/endpoints", json={"url": "http://127.0.0.1:9/x"})).json()
    cases: list[tuple[str, str, dict[str, Any], set[tuple[str | int, ...]]]] = [
        ("POST", "/subscriptions", {"target": {"kind": "fax", "number": "1"}}, set()),
        (
            "POST",
            "/subscriptions",
            {"priorities": ["meh"], "target": {"kind": "role", "role": "assignee"}},
            {("body", "priorities", "0")},
        ),
        (
            "POST",
            "/subscriptions",
            {"target": {"kind": "endpoint", "endpoint_id": webhook["id"]}, "digest_seconds": 60},
            {("body", "digest_seconds")},
        ),
        (
            "POST",
            "/subscriptions",
            {"target": {"kind": "endpoint", "endpoint_id": str(uuid.uuid4())}},
            {("body", "target")},
        ),
        (
            "PUT",
            "/templates/sla.breached/en",
            {"subject": "{% for x in %}", "body": "ok"},
            {("body", "subject")},
        ),
        (
            "PUT",
            "/recipients/a@example.com",
            {"time_zone": "Mars/Olympus"},
            {("body", "time_zone")},
        ),
        (
            "POST",
            "/endpoints",
            {"url": "http://127.0.0.1:9/x", "max_concurrency": 0},
            {("body", "max_concurrency")},
        ),
    ]
    for method, path, body, fields in cases:
        response = await api.request(method, path, json=body)
        found = error_fields(response)
        if fields:
            assert found == fields, (path, response.text)
        else:
            assert all(loc[:2] == ("body", "target") for loc in found), response.text
    assert (await api.get("/subscriptions")).json()["items"] == [
        s
        for s in (await api.get("/subscriptions")).json()["items"]
        if s["target"]["kind"] == "endpoint"
    ]
    assert (await api.get("/templates")).json()["items"] == []


async def test_subscriptions_templates_and_recipients_round_trip(api: httpx.AsyncClient) -> None:
    subscription = {
        "description": "leads hear about level-2 network escalations",
        "event_types": ["sla.escalated"],
        "teams": ["network"],
        "min_escalation_level": 2,
        "target": {"kind": "role", "role": "team_lead"},
    }
    created = await api.post("/subscriptions", json=subscription)
    assert created.status_code == 201, created.text
    shown = (await api.get(f"/subscriptions/{created.json()['id']}")).json()
    assert {k: shown[k] for k in subscription} == subscription
    assert (await api.delete(f"/subscriptions/{shown['id']}")).status_code == 204
    assert (await api.get(f"/subscriptions/{shown['id']}")).status_code == 404

    template = {"subject": "Breach: {{ ticket.subject }}", "body": "{{ data.policy }}"}
    put = await api.put("/templates/sla.breached/pt-BR", json=template)
    assert put.status_code == 200, put.text
    assert (await api.get("/templates")).json()["items"] == [
        {**template, "event_type": "sla.breached", "language": "pt-BR"}
    ]
    prefs = {
        "language": "de",
        "time_zone": "Europe/Berlin",
        "quiet_start": "22:00:00",
        "quiet_end": "07:00:00",
    }
    saved = await api.put("/recipients/Grace@Example.com", json=prefs)
    assert saved.status_code == 200, saved.text
    assert (await api.get("/recipients/grace@example.com")).json() == {
        **prefs,
        "email": "grace@example.com",
    }
