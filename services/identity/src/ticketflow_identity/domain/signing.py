"""Ed25519 signing keys: made, sealed at rest with the operator's secret, published as JWKs,
and the schedule that says which key signs and which are still published."""

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ALGORITHM = "EdDSA"
NONCE_BYTES = 12
SEAL_CONTEXT = b"ticketflow-identity signing key v1\x00"


@dataclass(frozen=True)
class SigningKey:
    """One row of `signing_keys`, its private half still sealed."""

    kid: str
    sealed_private: bytes
    public_jwk: dict[str, Any]
    created_at: datetime
    active_from: datetime
    retired_at: datetime | None


@dataclass(frozen=True)
class NewSigningKey:
    kid: str
    private_key: Ed25519PrivateKey
    public_jwk: dict[str, Any]


def new_signing_key() -> NewSigningKey:
    private = Ed25519PrivateKey.generate()
    kid = secrets.token_hex(8)
    return NewSigningKey(kid=kid, private_key=private, public_jwk=public_jwk(private, kid=kid))


def public_jwk(private: Ed25519PrivateKey, *, kid: str) -> dict[str, Any]:
    """RFC 8037 OKP key of the public half."""
    raw = private.public_key().public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": ALGORITHM, "use": "sig"}


def _aead(secret: str) -> AESGCM:
    return AESGCM(hashlib.sha256(SEAL_CONTEXT + secret.encode()).digest())


def seal(private: Ed25519PrivateKey, *, kid: str, secret: str) -> bytes:
    """The private key's PEM, AES-256-GCM encrypted (nonce first), bound to its kid."""
    pem = private.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    nonce = os.urandom(NONCE_BYTES)
    return nonce + _aead(secret).encrypt(nonce, pem, kid.encode())


def unseal(sealed: bytes, *, kid: str, secret: str) -> Ed25519PrivateKey:
    """The private key; raises `cryptography.exceptions.InvalidTag` under another secret."""
    pem = _aead(secret).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], kid.encode())
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"signing key {kid} is not an Ed25519 key")
    return key


def signs_at(key: SigningKey, now: datetime) -> bool:
    return key.active_from <= now and (key.retired_at is None or key.retired_at > now)


def signer(keys: list[SigningKey], now: datetime) -> SigningKey | None:
    """The key that signs at `now`: the most recently activated one still signing."""
    signing = [k for k in keys if signs_at(k, now)]
    return max(signing, key=lambda k: k.active_from, default=None)


def published(key: SigningKey, *, now: datetime, token_lifetime: timedelta) -> bool:
    """In the key set: not retired, or retired so recently a token it signed may be alive."""
    return key.retired_at is None or key.retired_at + token_lifetime > now


def pending(keys: list[SigningKey], now: datetime) -> SigningKey | None:
    """A key published but not signing yet (a rotation in its publish lead)."""
    return next((k for k in keys if k.active_from > now and k.retired_at is None), None)


def rotation_due(keys: list[SigningKey], *, now: datetime, every: timedelta) -> bool:
    """The signer has signed for `every` and no successor is waiting."""
    current = signer(keys, now)
    if pending(keys, now) is not None:
        return False
    return current is None or current.active_from + every <= now
