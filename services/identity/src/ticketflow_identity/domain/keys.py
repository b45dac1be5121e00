"""API keys as their holders see them: what may be asked for, how they are listed, when they
are valid, when a rotated one stops, and which are unused."""

import hmac
from datetime import datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common.input_model import InputModel
from ticketflow_identity.domain.api_keys import hash_secret

Scope = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[\x21\x23-\x5b\x5d-\x7e]+$")]
"""RFC 6749 scope-token: printable ASCII without space, quote and backslash."""
KeyState = Literal["active", "rotating", "expired", "revoked"]
DUMMY_HASH = hash_secret("not a key: compared so a missing key costs the time of a wrong one")


class NewApiKey(InputModel):
    name: str = Field(min_length=1, max_length=200)
    expires_in_days: int | None = Field(default=None, ge=1, description="At most the server's max.")
    scopes: list[Scope] | None = Field(
        default=None, max_length=100, description="None: everything the role grants."
    )


class KeyRotation(InputModel):
    overlap_hours: int = Field(
        default=24, ge=0, description="How long the old key keeps working (at most the max)."
    )


class ApiKeyView(BaseModel):
    """A key without its secret."""

    key_id: str
    principal_id: UUID
    name: str
    scopes: list[str] | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    last_used_from: str | None
    revoked_at: datetime | None
    replaced_by: str | None
    state: KeyState


class IssuedKey(ApiKeyView):
    """A key just issued: `token` is shown this once and never again."""

    token: str


def state_of(
    *,
    expires_at: datetime | None,
    revoked_at: datetime | None,
    replaced_by: str | None,
    now: datetime,
) -> KeyState:
    if revoked_at is not None and revoked_at <= now:
        return "revoked"
    if expires_at is not None and expires_at <= now:
        return "expired"
    return "rotating" if replaced_by is not None else "active"


def secret_matches(secret: str, stored_hash: bytes | None) -> bool:
    """Constant time, whether or not the key exists."""
    matched = hmac.compare_digest(hash_secret(secret), stored_hash or DUMMY_HASH)
    return matched and stored_hash is not None


def successor_expiry(
    *, created_at: datetime, expires_at: datetime | None, now: datetime
) -> datetime | None:
    """A rotated key's successor lives as long as the key it replaces was meant to."""
    return None if expires_at is None else now + (expires_at - created_at)


def overlap_end(*, expires_at: datetime | None, now: datetime, overlap: timedelta) -> datetime:
    """When a rotated key stops: after the overlap, or sooner if it expired sooner anyway."""
    end = now + overlap
    return end if expires_at is None else min(end, expires_at)


def unused_since(*, now: datetime, days: int) -> datetime:
    """Keys whose last use (or creation, if never used) is before this are reported."""
    return now - timedelta(days=days)


def ends_reason(replaced_by: str | None) -> Literal["rotated", "expired"]:
    """Why a key that reached its end is revoked: its rotation's overlap, or plain expiry."""
    return "rotated" if replaced_by is not None else "expired"


def scope_granted(
    requested: str | None, allowed: list[str] | None
) -> tuple[str | None, str | None]:
    """(the token's scope, a scope refused): a request narrows the key's scopes, never widens."""
    if requested is None:
        return (None if allowed is None else " ".join(allowed)), None
    wanted = requested.split()
    if allowed is not None:
        refused = next((s for s in wanted if s not in allowed), None)
        if refused is not None:
            return None, refused
    return " ".join(dict.fromkeys(wanted)) or None, None
