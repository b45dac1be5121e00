"""Real deliveries to the real receiver, verified by the official `standardwebhooks` library
(and, for v1a, by ed25519 as the specification defines it): what integrators' code runs."""

import base64
import json
import secrets
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.integration.notify.conftest import (
    FakeClock,
    NotifyHarness,
    Receiver,
    build_dispatcher,
    drain,
)
from tests.integration.notify.events import breached
from tests.support.webhooks import Received, failing_first_attempt_of
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.domain.signing import verify as verify_legacy
from ticketflow_notify.store.endpoints import insert_endpoint

pytestmark = pytest.mark.integration


@pytest.fixture
def clock() -> FakeClock:
    """The wall clock's second: the library checks timestamps against the real time."""
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


async def deliveries(notify: NotifyHarness, pool: asyncpg.Pool, clock: FakeClock, n: int) -> None:
    """`n` breaches fanned out and every due attempt sent (retries included, made now)."""
    for _ in range(n):
        await notify.deliver(breached(uuid.uuid4(), at=clock.now))
    async with new_session() as http:
        dispatcher = build_dispatcher(pool, http, clock=clock, schedule=[0.0])
        await drain(dispatcher)


@pytest.fixture
async def endpoint(api: httpx.AsyncClient, receiver: Receiver) -> dict[str, str]:
    """An HMAC endpoint of the receiver's, as its creation answered."""
    created = await api.post("/endpoints", json={"url": receiver.url()})
    assert created.status_code == 201, created.text
    answer: dict[str, str] = created.json()
    return answer


def ed25519_verify(public_key: str, request: Received) -> bool:
    """The specification's v1a check: ed25519 over `{id}.{timestamp}.{body}`, any signature."""
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key.removeprefix("whpk_")))
    h = request.headers
    message = f"{h['webhook-id']}.{h['webhook-timestamp']}.".encode() + request.body
    for versioned in h["webhook-signature"].split(" "):
        version, signature = versioned.split(",", 1)
        if version != "v1a":
            continue
        try:
            key.verify(base64.b64decode(signature), message)
            return True
        except InvalidSignature:
            continue
    return False


async def test_the_library_verifies_a_real_delivery_and_its_secret_is_standard(
    notify: NotifyHarness,
    notify_pool: asyncpg.Pool,
    endpoint: dict[str, str],
    receiver: Receiver,
    clock: FakeClock,
) -> None:
    secret = endpoint["secret"]
    assert secret.startswith("whsec_")
    assert 24 <= len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) <= 64
    await deliveries(notify, notify_pool, clock, 1)
    (request,) = receiver.received
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload == json.loads(request.body)
    assert payload["type"] == "sla.breached"
    assert request.headers["webhook-id"] == request.delivery_id
    assert request.headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
    assert request.headers["webhook-signature"].startswith("v1,")
    # the deprecated header still verifies for receivers written before Standard Webhooks
    legacy = request.headers["ticketflow-signature"]
    assert verify_legacy(
        secret=secret, header=legacy, body=request.body, now=int(clock.now.timestamp())
    )


async def test_a_tampered_body_an_old_timestamp_or_another_secret_fail_the_library(
    notify: NotifyHarness,
    notify_pool: asyncpg.Pool,
    endpoint: dict[str, str],
    receiver: Receiver,
    clock: FakeClock,
) -> None:
    clock.advance(-301)  # signed five minutes and a second ago
    await deliveries(notify, notify_pool, clock, 1)
    (request,) = receiver.received
    hook = Webhook(endpoint["secret"])
    with pytest.raises(WebhookVerificationError, match="too old"):
        hook.verify(request.body, request.headers)

    clock.advance(301)
    await deliveries(notify, notify_pool, clock, 1)
    fresh = receiver.received[1]
    hook.verify(fresh.body, fresh.headers)
    tampered = fresh.body.replace(b"sla.breached", b"sla.met")
    assert tampered != fresh.body
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        hook.verify(tampered, fresh.headers)
    other = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(other).verify(fresh.body, fresh.headers)


async def test_a_retry_keeps_its_webhook_id_and_is_signed_again(
    notify: NotifyHarness,
    notify_pool: asyncpg.Pool,
    endpoint: dict[str, str],
    receiver: Receiver,
    clock: FakeClock,
) -> None:
    receiver.answer = failing_first_attempt_of({"sla.breached"})
    await notify.deliver(breached(uuid.uuid4(), at=clock.now))
    async with new_session() as http:
        dispatcher = build_dispatcher(notify_pool, http, clock=clock, schedule=[5.0])
        await drain(dispatcher)
        clock.advance(10)
        await drain(dispatcher)
    first, retry = receiver.received
    assert (first.answered, retry.answered) == (503, 204)
    assert first.headers["webhook-id"] == retry.headers["webhook-id"] == first.delivery_id
    assert int(retry.headers["webhook-timestamp"]) - int(first.headers["webhook-timestamp"]) >= 5
    hook = Webhook(endpoint["secret"])
    assert hook.verify(retry.body, retry.headers)["type"] == "sla.breached"


async def test_during_a_rotation_either_secret_verifies_then_only_the_new_one(
    api: httpx.AsyncClient,
    notify: NotifyHarness,
    notify_pool: asyncpg.Pool,
    endpoint: dict[str, str],
    receiver: Receiver,
    clock: FakeClock,
) -> None:
    rotated = await api.post(f"/endpoints/{endpoint['id']}/secrets", json={"overlap_seconds": 60})
    assert rotated.status_code == 201, rotated.text
    old, new = endpoint["secret"], rotated.json()["secret"]
    await deliveries(notify, notify_pool, clock, 1)
    during = receiver.received[0]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        Webhook(secret).verify(during.body, during.headers)

    clock.advance(61)
    await deliveries(notify, notify_pool, clock, 1)
    after = receiver.received[1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    Webhook(new).verify(after.body, after.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)


async def test_a_secret_issued_before_standard_webhooks_maps_to_its_documented_form(
    notify: NotifyHarness, notify_pool: asyncpg.Pool, receiver: Receiver, clock: FakeClock
) -> None:
    """Old secrets were `whsec_` + URL-safe unpadded base64: the same key in standard base64
    (`-`->`+`, `_`->`/`, padded) is what the library takes; the old header is unchanged."""
    legacy = "whsec_" + secrets.token_urlsafe(32)
    async with notify_pool.acquire() as conn:
        await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint.model_validate({"url": receiver.url()}),
            secret=legacy,
        )
    await deliveries(notify, notify_pool, clock, 1)
    (request,) = receiver.received
    body = legacy.removeprefix("whsec_").replace("-", "+").replace("_", "/")
    converted = "whsec_" + body + "=" * (-len(body) % 4)
    Webhook(converted).verify(request.body, request.headers)
    assert verify_legacy(
        secret=legacy,
        header=request.headers["ticketflow-signature"],
        body=request.body,
        now=int(clock.now.timestamp()),
    )


async def test_an_ed25519_endpoint_signs_v1a_with_a_key_only_notify_holds(
    api: httpx.AsyncClient,
    notify: NotifyHarness,
    notify_pool: asyncpg.Pool,
    receiver: Receiver,
    clock: FakeClock,
) -> None:
    created = await api.post("/endpoints", json={"url": receiver.url(), "signing": "ed25519"})
    assert created.status_code == 201, created.text
    endpoint = created.json()
    assert endpoint["secret"] is None
    assert endpoint["signing"] == "ed25519"
    first_key = endpoint["public_key"]
    assert len(base64.b64decode(first_key.removeprefix("whpk_"), validate=True)) == 32
    listed = await api.get(f"/endpoints/{endpoint['id']}")
    assert listed.json()["signing"] == "ed25519"
    assert "whsk_" not in listed.text

    await deliveries(notify, notify_pool, clock, 1)
    (request,) = receiver.received
    assert request.headers["webhook-signature"].startswith("v1a,")
    assert "ticketflow-signature" not in request.headers  # no shared secret to key it with
    assert ed25519_verify(first_key, request)
    tampered = Received(request.path, request.headers, request.body + b" ")
    assert not ed25519_verify(first_key, tampered)
    with pytest.raises(WebhookVerificationError):  # an HMAC verifier finds no v1 to accept
        Webhook("whsec_" + base64.b64encode(b"k" * 32).decode()).verify(
            request.body, request.headers
        )

    rotated = await api.post(f"/endpoints/{endpoint['id']}/secrets", json={"overlap_seconds": 60})
    assert rotated.status_code == 201, rotated.text
    assert rotated.json()["secret"] is None
    second_key = rotated.json()["public_key"]
    assert second_key.startswith("whpk_")
    assert second_key != first_key
    await deliveries(notify, notify_pool, clock, 1)
    during = receiver.received[1]
    assert [s[:4] for s in during.headers["webhook-signature"].split(" ")] == ["v1a,", "v1a,"]
    assert ed25519_verify(first_key, during)
    assert ed25519_verify(second_key, during)
