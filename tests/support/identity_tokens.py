"""Access tokens as identity signs them, with a test Ed25519 key whose set services are given
inline (`<SVC>_IDENTITY_JWKS`): settings overrides and a token per role."""

import json
import time
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ticketflow_common.identity import AUDIENCE, AccessClaims, sign_access_token

ISSUER = "http://identity.tests"
KID = "tests-1"
SIGNING_KEY = Ed25519PrivateKey.generate()
_JWK = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(SIGNING_KEY.public_key()))
JWKS = json.dumps({"keys": [{**_JWK, "kid": KID, "alg": "EdDSA", "use": "sig"}]})
IDENTITY_SETTINGS: dict[str, Any] = {"identity_issuer": ISSUER, "identity_jwks": JWKS}
"""Settings overrides: identity configured, its key set inline."""


def access_token(
    role: str,
    *,
    subject: str | None = None,
    agent_id: UUID | None = None,
    teams: Iterable[str] = (),
    scope: str | None = None,
    now: datetime | None = None,
) -> str:
    """A token of `role` valid for ten minutes from `now` (default: the wall clock)."""
    issued = int(now.timestamp()) if now is not None else int(time.time())
    claims = AccessClaims(
        iss=ISSUER,
        sub=subject or f"{role}-{uuid.uuid4()}",
        aud=AUDIENCE,
        iat=issued,
        exp=issued + 600,
        jti=str(uuid.uuid4()),
        cid=f"key-{uuid.uuid4().hex[:8]}",
        role=role,
        agent_id=agent_id,
        teams=list(teams),
        scope=scope,
    )
    return sign_access_token(claims=claims, private_key=SIGNING_KEY, kid=KID)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
