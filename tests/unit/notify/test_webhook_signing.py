"""Webhook signatures and the retry schedule: what receivers rely on."""

import base64
import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketflow_notify.domain.retries import next_attempt_at
from ticketflow_notify.domain.signing import (
    hmac_key,
    new_secret,
    new_signing_key,
    public_key,
    signature_header,
    signature_header_for_all,
    standard_secret,
    verify,
    webhook_headers,
    webhook_signature,
)

NOW = 1_790_000_000


@given(body=st.binary(max_size=2000), timestamp=st.integers(min_value=0, max_value=2**33))
def test_a_receiver_verifies_what_notify_signed(body: bytes, timestamp: int) -> None:
    secret = "whsec_test-secret-value"
    header = signature_header(secret=secret, timestamp=timestamp, body=body)
    assert verify(secret=secret, header=header, body=body, now=timestamp)


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    header = signature_header(secret="key", timestamp=1700000000, body=b'{"a":1}')
    # printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
    assert header == (
        "t=1700000000,v1=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
    )


def test_tampered_body_wrong_secret_or_stale_timestamp_fail() -> None:
    body = b'{"type":"sla.breached"}'
    header = signature_header(secret="s1", timestamp=NOW, body=body)
    assert not verify(secret="s1", header=header, body=body + b" ", now=NOW)
    assert not verify(secret="s2", header=header, body=body, now=NOW)
    assert not verify(secret="s1", header=header, body=body, now=NOW + 301)
    assert verify(secret="s1", header=header, body=body, now=NOW + 299)
    assert not verify(secret="s1", header="v1=deadbeef", body=body, now=NOW)


def test_rotation_accepts_any_matching_v1_signature() -> None:
    body = b"{}"
    old = signature_header(secret="old", timestamp=NOW, body=body)
    new = signature_header(secret="new", timestamp=NOW, body=body).split(",")[1]
    assert verify(secret="new", header=f"{old},{new}", body=body, now=NOW)


def test_secrets_are_unique_and_whsec_plus_standard_base64_of_32_bytes() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100
    for s in secrets:
        assert s.startswith("whsec_")
        assert len(base64.b64decode(s.removeprefix("whsec_"), validate=True)) == 32
        assert standard_secret(s) == s


def test_standard_signature_is_base64_hmac_over_id_dot_timestamp_dot_body() -> None:
    key = bytes(range(32))
    secret = "whsec_" + base64.b64encode(key).decode()
    expected = hmac.new(key, b'msg_1.1700000000.{"a":1}', hashlib.sha256).digest()
    got = webhook_signature(secret=secret, msg_id="msg_1", timestamp=1700000000, body=b'{"a":1}')
    assert got == "v1," + base64.b64encode(expected).decode()


def test_secrets_issued_before_standard_webhooks_keep_their_32_random_bytes_as_key() -> None:
    raw = bytes(range(200, 232))
    legacy = "whsec_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert hmac_key(legacy) == raw
    assert standard_secret(legacy) == "whsec_" + base64.b64encode(raw).decode()
    # anything else (hand-made test secrets) is keyed with its own text
    assert hmac_key("whsec_test-secret-value") == b"whsec_test-secret-value"


def test_headers_carry_one_signature_per_secret_and_the_legacy_one_only_for_hmac() -> None:
    hmac_secret, ed_key = new_secret(), new_signing_key()
    both = webhook_headers(secrets=[hmac_secret, ed_key], msg_id="d1", timestamp=NOW, body=b"{}")
    assert [s.split(",")[0] for s in both["webhook-signature"].split(" ")] == ["v1", "v1a"]
    assert both["webhook-id"] == "d1"
    assert both["webhook-timestamp"] == str(NOW)
    assert both["Ticketflow-Signature"].count("v1=") == 1
    only_ed = webhook_headers(secrets=[ed_key], msg_id="d1", timestamp=NOW, body=b"{}")
    assert "Ticketflow-Signature" not in only_ed
    assert signature_header_for_all(secrets=[ed_key], timestamp=NOW, body=b"{}") is None
    with pytest.raises(ValueError, match="at least one active secret"):
        webhook_headers(secrets=[], msg_id="d1", timestamp=NOW, body=b"{}")


def test_ed25519_keys_are_whsk_private_and_whpk_public_of_32_bytes() -> None:
    key = new_signing_key()
    assert key.startswith("whsk_")
    published = public_key(key)
    assert published.startswith("whpk_")
    assert len(base64.b64decode(published.removeprefix("whpk_"), validate=True)) == 32
    assert public_key(key) == published
    assert public_key(new_signing_key()) != published


def test_first_retry_is_immediate_then_the_schedule_is_followed_then_exhausted() -> None:
    """One retry per entry, as the README lists them: immediately, 5 s, 5 min (±10% jitter)."""
    schedule = [0.0, 5.0, 300.0]
    now = datetime(2026, 3, 1, tzinfo=UTC)
    rng = random.Random(7)
    assert next_attempt_at(attempts_made=1, schedule=schedule, now=now, rng=rng) == now
    for made, delay in enumerate(schedule, start=1):
        at = next_attempt_at(attempts_made=made, schedule=schedule, now=now, rng=rng)
        assert at is not None
        assert abs((at - now) - timedelta(seconds=delay)) <= timedelta(seconds=delay * 0.1)
    assert next_attempt_at(attempts_made=4, schedule=schedule, now=now, rng=rng) is None
    assert next_attempt_at(attempts_made=1, schedule=[], now=now, rng=rng) is None
    with pytest.raises(ValueError, match="at least one failed attempt"):
        next_attempt_at(attempts_made=0, schedule=schedule, now=now, rng=rng)
