"""Short-lived HS256 tokens (RFC 7519) a service signs and verifies itself: people's access
tokens until one identity arrives (#17), and signed links in mails. Expiry is checked against
the injected `now`, never the wall clock."""

from datetime import datetime, timedelta
from typing import Any

import jwt

SIGNING_ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32
"""RFC 7518 §3.2: an HS256 key at least as long as the hash."""


def sign_token(
    *,
    subject: str,
    audience: str,
    secret: str,
    now: datetime,
    lifetime: timedelta,
    claims: dict[str, Any] | None = None,
) -> str:
    """A token naming `subject` for `audience`, valid for `lifetime` from `now`."""
    if lifetime <= timedelta(0):
        raise ValueError("lifetime must be positive")
    body: dict[str, Any] = {
        **(claims or {}),
        "sub": subject,
        "aud": audience,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    return jwt.encode(body, secret, algorithm=SIGNING_ALGORITHM)


def read_token(*, token: str, audience: str, secret: str, now: datetime) -> dict[str, Any] | None:
    """The claims of a well-signed, unexpired token for `audience`; None for any other."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[SIGNING_ALGORITHM],
            audience=audience,
            options={"require": ["sub", "exp", "aud"], "verify_exp": False, "verify_iat": False},
        )
    except (jwt.InvalidTokenError, ValueError):
        return None
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or expires <= now.timestamp():
        return None
    return claims
