"""Webhook signatures: Standard Webhooks (`webhook-*`, v1 HMAC and v1a ed25519) and the
deprecated Stripe-style `Ticketflow-Signature`, from one list of endpoint secrets."""

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SIGNATURE_HEADER = "Ticketflow-Signature"
DELIVERY_ID_HEADER = "Ticketflow-Delivery-Id"
EVENT_TYPE_HEADER = "Ticketflow-Event-Type"
WEBHOOK_ID_HEADER = "webhook-id"
WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp"
WEBHOOK_SIGNATURE_HEADER = "webhook-signature"
DEFAULT_TOLERANCE_SECONDS = 300

SYMMETRIC_PREFIX = "whsec_"
SECRET_KEY_PREFIX = "whsk_"  # noqa: S105 (a prefix, not a secret)
PUBLIC_KEY_PREFIX = "whpk_"
KEY_BYTES = 32
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64

Signing = Literal["hmac-sha256", "ed25519"]
_URLSAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def new_secret() -> str:
    """`whsec_` + standard base64 of 32 random bytes, as Standard Webhooks issues them."""
    return SYMMETRIC_PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def new_signing_key() -> str:
    """`whsk_` + base64 of a fresh ed25519 private key's 32-byte seed (kept by notify only)."""
    raw = Ed25519PrivateKey.generate().private_bytes_raw()
    return SECRET_KEY_PREFIX + base64.b64encode(raw).decode()


def new_key_for(signing: Signing) -> str:
    """What a new endpoint, or a rotation, of this scheme signs with."""
    return new_signing_key() if signing == "ed25519" else new_secret()


def is_asymmetric(secret: str) -> bool:
    return secret.startswith(SECRET_KEY_PREFIX)


def _private_key(secret_key: str) -> Ed25519PrivateKey:
    raw = base64.b64decode(secret_key.removeprefix(SECRET_KEY_PREFIX), validate=True)
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key(secret_key: str) -> str:
    """`whpk_` + base64 of the raw 32-byte public key: all a receiver needs to verify v1a."""
    raw = _private_key(secret_key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return PUBLIC_KEY_PREFIX + base64.b64encode(raw).decode()


def shown_key(secret: str) -> str:
    """What the API shows a receiver once: the whsec_ secret itself, or an ed25519 key's
    public half (the private key never leaves notify)."""
    return public_key(secret) if is_asymmetric(secret) else secret


def hmac_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_` secret: its base64 body decoded (Standard Webhooks). Secrets
    issued before Standard Webhooks are `whsec_` + URL-safe unpadded base64 of 32 random
    bytes: those bytes are the key. Anything else is keyed with its own UTF-8 text."""
    body = secret.removeprefix(SYMMETRIC_PREFIX)
    try:
        key = base64.b64decode(body, validate=True)
        if MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
            return key
    except binascii.Error:
        pass
    if _URLSAFE.match(body):
        try:
            key = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            if MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
                return key
        except binascii.Error:
            pass
    return secret.encode()


def standard_secret(secret: str) -> str:
    """The `whsec_` form a Standard Webhooks library takes for this secret: itself for new
    secrets; for one issued earlier, the same key in standard padded base64."""
    return SYMMETRIC_PREFIX + base64.b64encode(hmac_key(secret)).decode()


def webhook_signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` or `v1a,<base64 ed25519>` over `{id}.{timestamp}.{body}`."""
    message = f"{msg_id}.{timestamp}.".encode() + body
    if is_asymmetric(secret):
        return "v1a," + base64.b64encode(_private_key(secret).sign(message)).decode()
    digest = hmac.new(hmac_key(secret), message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_signatures(*, secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """One signature per active secret, space-separated: a rotation never breaks a receiver
    that holds either the previous secret or the new one."""
    if not secrets:
        raise ValueError("an endpoint needs at least one active secret to sign with")
    return " ".join(
        webhook_signature(secret=s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets
    )


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """Deprecated scheme: hex HMAC-SHA256 of `<timestamp>.<body>` keyed with the secret's
    UTF-8 text, unchanged for receivers written before Standard Webhooks."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex>`: the timestamp is signed too, so replays can be refused."""
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"


def signature_header_for_all(*, secrets: list[str], timestamp: int, body: bytes) -> str | None:
    """`t=<unix>,v1=<hex>,v1=<hex>...`, one v1 per active HMAC secret; None when the endpoint
    signs with ed25519 only (it has no shared secret, and no receiver of the old scheme)."""
    if not secrets:
        raise ValueError("an endpoint needs at least one active secret to sign with")
    symmetric = [s for s in secrets if not is_asymmetric(s)]
    if not symmetric:
        return None
    signed = ",".join(
        f"v1={signature(secret=s, timestamp=timestamp, body=body)}" for s in symmetric
    )
    return f"t={timestamp},{signed}"


def webhook_headers(
    *, secrets: list[str], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """Every signing header of one request: the Standard Webhooks three, and the deprecated
    `Ticketflow-Signature` while the endpoint has an HMAC secret."""
    headers = {
        WEBHOOK_ID_HEADER: msg_id,
        WEBHOOK_TIMESTAMP_HEADER: str(timestamp),
        WEBHOOK_SIGNATURE_HEADER: webhook_signatures(
            secrets=secrets, msg_id=msg_id, timestamp=timestamp, body=body
        ),
    }
    legacy = signature_header_for_all(secrets=secrets, timestamp=timestamp, body=body)
    if legacy is not None:
        headers[SIGNATURE_HEADER] = legacy
    return headers


def verify(
    *,
    secret: str,
    header: str,
    body: bytes,
    now: int,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver of the deprecated scheme runs: a matching v1 and a recent timestamp."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    timestamps = [v for k, v in parts if k == "t"]
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        return False
    timestamp = int(timestamps[0])
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return any(k == "v1" and hmac.compare_digest(v, expected) for k, v in parts)
