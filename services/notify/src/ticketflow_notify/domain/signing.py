"""Webhook signatures: HMAC-SHA256 over `timestamp.body`, in the manner of Stripe and Svix."""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Ticketflow-Signature"
DELIVERY_ID_HEADER = "Ticketflow-Delivery-Id"
EVENT_TYPE_HEADER = "Ticketflow-Event-Type"
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of `<timestamp>.<body>` keyed with the endpoint's secret."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex>`: the timestamp is signed too, so replays can be refused."""
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"


def signature_header_for_all(*, secrets: list[str], timestamp: int, body: bytes) -> str:
    """`t=<unix>,v1=<hex>,v1=<hex>...`: one v1 per active secret, so a rotation never breaks
    a receiver that still holds the previous secret (or already has the new one)."""
    if not secrets:
        raise ValueError("an endpoint needs at least one active secret to sign with")
    signed = ",".join(f"v1={signature(secret=s, timestamp=timestamp, body=body)}" for s in secrets)
    return f"t={timestamp},{signed}"


def verify(
    *,
    secret: str,
    header: str,
    body: bytes,
    now: int,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver runs: a matching v1 signature and a timestamp within the tolerance."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    timestamps = [v for k, v in parts if k == "t"]
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        return False
    timestamp = int(timestamps[0])
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return any(k == "v1" and hmac.compare_digest(v, expected) for k, v in parts)
