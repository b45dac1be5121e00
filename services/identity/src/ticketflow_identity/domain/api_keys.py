"""The shape of an identity API key: `tfid_<key id>.<secret>`, shown once, kept as a hash."""

import hashlib
import secrets
from dataclasses import dataclass

KEY_PREFIX = "tfid_"


@dataclass(frozen=True)
class NewKey:
    key_id: str
    secret: str

    @property
    def token(self) -> str:
        """What the client presents to `POST /token`; shown only once."""
        return f"{KEY_PREFIX}{self.key_id}.{self.secret}"


def generate_key() -> NewKey:
    return NewKey(key_id=secrets.token_hex(8), secret=secrets.token_urlsafe(32))


def parse_key(token: str) -> tuple[str, str] | None:
    """Split `tfid_<id>.<secret>`; None when it is not shaped like one of our keys."""
    if not token.startswith(KEY_PREFIX) or "." not in token:
        return None
    key_id, secret = token.removeprefix(KEY_PREFIX).split(".", 1)
    if not key_id or not secret:
        return None
    return key_id, secret


def hash_secret(secret: str) -> bytes:
    """Secrets are 256-bit random, so a plain SHA-256 is enough; no slow hash is needed."""
    return hashlib.sha256(secret.encode()).digest()
