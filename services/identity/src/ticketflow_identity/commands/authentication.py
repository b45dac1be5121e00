"""Who calls identity: the service token is the bootstrap credential; anything else must be an
access token identity signed (checked against its own keys, no HTTP to itself) whose principal
is enabled and unchanged since, and whose key is not revoked."""

import secrets
from datetime import datetime
from uuid import UUID

import asyncpg
import jwt
from pydantic import SecretStr

from ticketflow_common.identity import (
    AUDIENCE,
    BOOTSTRAP,
    Principal,
    principal_of,
    read_access_token,
)
from ticketflow_identity.commands.signing_keys import current_keys
from ticketflow_identity.settings import IdentitySettings
from ticketflow_identity.store import api_keys as key_store
from ticketflow_identity.store import principals as principal_store


def is_service_token(token: str, service_token: SecretStr) -> bool:
    return secrets.compare_digest(token.encode(), service_token.get_secret_value().encode())


async def identify(
    *, conn: asyncpg.Connection, token: str, settings: IdentitySettings, now: datetime
) -> Principal | None:
    """The caller of `token`; None for any token identity would not honour now."""
    if is_service_token(token, settings.api_token):
        return BOOTSTRAP
    keys = await current_keys(conn=conn, settings=settings, now=now)
    if not keys:
        return None
    key_set = jwt.PyJWKSet([k.public_jwk for k in keys])
    claims = read_access_token(
        token=token, key_set=key_set, issuer=settings.public_url, audience=AUDIENCE, now=now
    )
    if claims is None:
        return None
    subject = _uuid(claims.sub)
    if subject is None:
        return None
    principal = await principal_store.get_principal(conn=conn, principal_id=subject)
    if principal is None or principal["disabled_at"] is not None:
        return None
    if principal["updated_at"].timestamp() > claims.iat:
        return None  # changed (role, teams) after the token was signed
    if claims.cid is not None:
        key = await key_store.get_key(conn=conn, key_id=claims.cid)
        if key is None or key["revoked_at"] is not None:
            return None
    return principal_of(claims)


def _uuid(subject: str) -> UUID | None:
    try:
        return UUID(subject)
    except ValueError:
        return None
