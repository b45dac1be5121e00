"""A signed-in user's session as the console keeps it, and the cookie that names it."""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

COOKIE_NAME = "tf_console_session"


@dataclass(frozen=True)
class Session:
    """Who is signed in, the access token the console calls the services with, their choices."""

    session_id: str
    access_token: str
    csrf_token: str
    subject: str
    display_name: str
    role: str
    agent_id: UUID | None
    teams: tuple[str, ...]
    language: str
    time_zone: str
    expires_at: datetime


def signed_cookie(session_id: str, *, secret: str) -> str:
    """`<id>.<HMAC-SHA256 of the id>`: a cookie no one can forge without the secret."""
    return f"{session_id}.{_mac(session_id, secret)}"


def session_id_of(cookie: str | None, *, secret: str) -> str | None:
    """The session id a cookie names, if its signature holds; else None."""
    if not cookie or "." not in cookie:
        return None
    session_id, _, mac = cookie.rpartition(".")
    if not session_id or not hmac.compare_digest(mac, _mac(session_id, secret)):
        return None
    return session_id


def csrf_matches(session: Session, presented: str | None) -> bool:
    """The form or htmx header carries the session's CSRF token."""
    return presented is not None and hmac.compare_digest(presented, session.csrf_token)


def _mac(value: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
