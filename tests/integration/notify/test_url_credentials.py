"""Credentials inside webhook URLs (query tokens, `user:pass@`): sent, never shown, never logged."""

import base64
import io
import logging
import sys
import uuid
from collections.abc import Callable, Iterator

import asyncpg
import httpx
import pytest

from tests.integration.notify.conftest import (
    FakeClock,
    NotifyHarness,
    Receiver,
    SmtpServer,
    api_client,
    build_dispatcher,
    drain,
    notify_settings,
)
from tests.integration.notify.events import breached
from ticketflow_common.logs import setup_logging
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.endpoint_health import HealthPolicy

pytestmark = pytest.mark.integration

TOKEN = "tok-" + uuid.uuid4().hex
PASSWORD = "pw-" + uuid.uuid4().hex


def secret_url(receiver: Receiver) -> str:
    return f"http://hook:{PASSWORD}@127.0.0.1:{receiver.port}/hooks?token={TOKEN}&room=ops"


def masked(receiver: Receiver) -> str:
    return f"http://127.0.0.1:{receiver.port}/hooks?token=***&room=***"


@pytest.fixture
def service_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], str]]:
    """notify's own log setup (JSON lines on stdout, INFO), its stdout kept; restored after."""
    names = ["", "httpx", "httpcore", "aiokafka", "uvicorn", "uvicorn.error", "uvicorn.access"]
    saved = [(lg, lg.level, lg.handlers[:], lg.propagate) for lg in map(logging.getLogger, names)]
    stdout = io.StringIO()
    with monkeypatch.context() as patched:
        patched.setattr(sys, "stdout", stdout)
        setup_logging("notify", "INFO")
    yield stdout.getvalue
    for lg, level, handlers, propagate in saved:
        lg.setLevel(level)
        lg.handlers[:] = handlers
        lg.propagate = propagate


async def test_url_credentials_are_masked_in_every_listing_and_response(
    api: httpx.AsyncClient, receiver: Receiver
) -> None:
    created = await api.post("/endpoints", json={"url": secret_url(receiver)})
    assert created.status_code == 201, created.text
    endpoint_id = created.json()["id"]
    answers = [
        created,
        await api.get("/endpoints"),
        await api.get(f"/endpoints/{endpoint_id}"),
        await api.patch(f"/endpoints/{endpoint_id}", json={"description": "chat room"}),
        await api.patch(f"/endpoints/{endpoint_id}", json={"url": secret_url(receiver)}),
    ]
    for answer in answers:
        assert answer.status_code in (200, 201), answer.text
        assert TOKEN not in answer.text
        assert PASSWORD not in answer.text
    assert created.json()["url"] == masked(receiver)
    assert [e["url"] for e in answers[1].json()["items"]] == [masked(receiver)]


async def test_the_token_is_sent_userinfo_goes_as_basic_auth_and_neither_is_logged(
    api: httpx.AsyncClient,
    notify: NotifyHarness,
    notify_pool: asyncpg.Pool,
    receiver: Receiver,
    clock: FakeClock,
    service_log: Callable[[], str],
) -> None:
    created = await api.post("/endpoints", json={"url": secret_url(receiver)})
    assert created.status_code == 201, created.text
    await notify.deliver(breached(uuid.uuid4()))
    async with new_session() as http:
        dispatcher = build_dispatcher(
            notify_pool, http, clock=clock, health=HealthPolicy(1, 60.0, 5 * 86_400.0)
        )
        assert await drain(dispatcher) == 1
        receiver.answer = lambda _r: 500
        await notify.deliver(breached(uuid.uuid4()))
        assert await drain(dispatcher) == 1
    deliveries = await api.get("/deliveries")
    details = [await api.get(f"/deliveries/{d['id']}") for d in deliveries.json()["items"]]
    logged = service_log()

    ok, failed = receiver.received
    assert ok.query == f"token={TOKEN}&room=ops", "the receiver still gets its token"
    assert (
        ok.headers["authorization"]
        == "Basic " + base64.b64encode(f"hook:{PASSWORD}".encode()).decode()
    )
    assert failed.headers["authorization"] == ok.headers["authorization"]
    assert "circuit opened" in logged, "notify's own log lines were captured"
    assert '"service": "notify"' in logged
    for text in (logged, deliveries.text, *(d.text for d in details)):
        assert TOKEN not in text
        assert PASSWORD not in text


async def test_a_disabled_endpoint_event_and_mail_show_the_masked_url(
    notify: NotifyHarness,
    notify_pool: asyncpg.Pool,
    receiver: Receiver,
    smtp_server: SmtpServer,
    clock: FakeClock,
) -> None:
    async with api_client(notify, notify_settings(smtp_port=smtp_server.port), clock) as api:
        created = await api.post(
            "/endpoints", json={"url": secret_url(receiver), "owner_email": "ops@example.com"}
        )
    assert created.status_code == 201, created.text
    receiver.answer = lambda _r: 500
    await notify.deliver(breached(uuid.uuid4()))
    async with new_session() as http:
        dispatcher = build_dispatcher(
            notify_pool,
            http,
            clock=clock,
            settings=notify_settings(smtp_port=smtp_server.port),
            schedule=[10.0],
            health=HealthPolicy(failure_threshold=100, open_seconds=1, disable_after_seconds=5),
        )
        assert await drain(dispatcher) == 1
        clock.advance(11)
        assert await drain(dispatcher) == 2, "the second failure and the owner's mail"
    [event] = await notify_pool.fetch(
        "SELECT payload FROM outbox WHERE event_type = 'notification.endpoint_disabled'"
    )
    [mail] = smtp_server.mailbox.messages
    assert event["payload"]["data"]["url"] == masked(receiver)
    assert mail["Subject"] == f"Ticketflow webhook endpoint disabled: {masked(receiver)}"
    for text in (str(event["payload"]), mail.as_string()):
        assert TOKEN not in text
        assert PASSWORD not in text
