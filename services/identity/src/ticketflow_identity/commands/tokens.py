"""The token endpoint's work: an API key (RFC 6749 client credentials) becomes a short-lived
EdDSA access token, once the key, its principal and the requested scope check out."""

import secrets
from datetime import datetime
from typing import Literal

import asyncpg
from pydantic import BaseModel

from ticketflow_common.identity import AUDIENCE, AccessClaims, issued_at_of, sign_access_token
from ticketflow_identity.commands.metrics import TOKENS_ISSUED
from ticketflow_identity.commands.signing_keys import signing_key
from ticketflow_identity.domain import keys as rules
from ticketflow_identity.domain.token_requests import ClientCredentials, TokenRequestError
from ticketflow_identity.settings import IdentitySettings
from ticketflow_identity.store import api_keys as store

INVALID_CLIENT = "the API key is unknown, wrong, expired or revoked, or its principal is disabled"


class TokenResponse(BaseModel):
    """RFC 6749 §5.1."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105
    expires_in: int
    scope: str | None = None


async def exchange_api_key(
    *,
    conn: asyncpg.Connection,
    credentials: ClientCredentials,
    scope: str | None,
    address: str,
    settings: IdentitySettings,
    now: datetime,
) -> TokenResponse:
    """Raises `TokenRequestError` (401 invalid_client, 400 invalid_scope); records the use."""
    row = await store.credential_of(conn=conn, key_id=credentials.key_id)
    matched = rules.secret_matches(credentials.secret, row["secret_hash"] if row else None)
    if row is None or not matched or not _usable(row, now=now):
        raise TokenRequestError("invalid_client", INVALID_CLIENT, status=401)
    granted, refused = rules.scope_granted(scope, row["scopes"])
    if refused is not None:
        raise TokenRequestError("invalid_scope", f"scope {refused!r} is not granted to this key")
    issued_at = issued_at_of(now)
    claims = AccessClaims(
        iss=settings.public_url,
        sub=str(row["principal_id"]),
        aud=AUDIENCE,
        iat=issued_at,
        exp=int(issued_at) + settings.access_token_seconds,
        jti=secrets.token_urlsafe(12),
        cid=row["key_id"],
        role=row["role"],
        agent_id=row["agent_id"],
        teams=list(row["teams"]),
        scope=granted,
    )
    kid, private_key = await signing_key(conn=conn, settings=settings, now=now)
    token = sign_access_token(claims=claims, private_key=private_key, kid=kid)
    await store.record_use(
        conn=conn,
        key_id=row["key_id"],
        address=address,
        now=now,
        every_seconds=settings.key_use_record_seconds,
    )
    TOKENS_ISSUED.labels("api_key", row["role"]).inc()
    return TokenResponse(
        access_token=token, expires_in=settings.access_token_seconds, scope=granted
    )


def _usable(row: asyncpg.Record, *, now: datetime) -> bool:
    state = rules.state_of(
        expires_at=row["expires_at"], revoked_at=row["revoked_at"], replaced_by=None, now=now
    )
    return state == "active" and row["disabled_at"] is None
