"""One identity across the services (#17): who a request acts for, and the access tokens that
say so. Identity signs them (EdDSA, a few minutes long); every service verifies them locally
against identity's published key set and refuses those its projection of `identity.events.v1`
revoked. Every service's authenticator puts a `Principal` in `request.state.principal`."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args
from uuid import UUID

import jwt
from pydantic import BaseModel, Field, ValidationError

from ticketflow_common.events.common import TeamKey
from ticketflow_common.events.identity import IdentityRole

Role = IdentityRole | Literal["bootstrap"]
ROLES: tuple[str, ...] = (*get_args(IdentityRole), "bootstrap")
"""`bootstrap`: a service's own `*_API_TOKEN` once an identity is configured; it may only set
up identity (principals and their first keys), nothing else."""
Via = Literal["service_token", "access_token", "oidc"]
ACCESS_TOKEN_ALGORITHMS = ("EdDSA", "ES256")
AUDIENCE = "ticketflow"
"""The `aud` of every access token identity signs: one credential for every service."""


@dataclass(frozen=True)
class Principal:
    """The caller of a request, as every service sees it."""

    subject: str
    role: Role
    via: Via
    credential_id: str | None = None
    agent_id: UUID | None = None
    teams: frozenset[str] = frozenset()
    """Routing's team ids (`TeamKey`: `network`, `service-desk`)."""
    scopes: frozenset[str] | None = None
    """None: everything the role grants; else only operations in these scopes."""
    issued_at: datetime | None = None

    def is_agent(self, agent_id: UUID) -> bool:
        """The caller works as `agent_id` (an agent setting their own status)."""
        return self.agent_id is not None and self.agent_id == agent_id

    def in_team(self, team_id: str) -> bool:
        return team_id in self.teams


STANDALONE_ADMIN = Principal(subject="service-token", role="admin", via="service_token")
"""The service token while no identity is configured: the service runs on its own."""
BOOTSTRAP = Principal(subject="bootstrap", role="bootstrap", via="service_token")
"""The service token once an identity is configured."""


class AccessClaims(BaseModel):
    """The claims of an access token identity signs (RFC 9068 names where there is one)."""

    iss: str
    sub: str
    aud: str | list[str]
    exp: int
    iat: float = Field(
        description="NumericDate with milliseconds (RFC 7519 §2 allows fractions): a token is"
        " refused when its principal changed after it, to the millisecond."
    )
    jti: str
    cid: str | None = Field(default=None, description="The API key (or session) it came from.")
    role: IdentityRole
    agent_id: UUID | None = None
    teams: list[TeamKey] = Field(default_factory=list)
    scope: str | None = Field(default=None, description="Space-separated; None: all the role's.")


def principal_of(claims: AccessClaims) -> Principal:
    return Principal(
        subject=claims.sub,
        role=claims.role,
        via="access_token",
        credential_id=claims.cid,
        agent_id=claims.agent_id,
        teams=frozenset(claims.teams),
        scopes=None if claims.scope is None else frozenset(claims.scope.split()),
        issued_at=datetime.fromtimestamp(claims.iat, tz=UTC),
    )


def issued_at_of(now: datetime) -> float:
    """`iat` for a token signed at `now`, rounded up to the millisecond: a token signed right
    after a change (even on a frozen test clock) is never older than the change."""
    return math.ceil(now.timestamp() * 1000) / 1000


def sign_access_token(*, claims: AccessClaims, private_key: Any, kid: str) -> str:
    """An EdDSA-signed access token (`private_key`: an Ed25519 private key or its PEM)."""
    return jwt.encode(
        claims.model_dump(mode="json", exclude_none=True),
        private_key,
        algorithm="EdDSA",
        headers={"kid": kid, "typ": "at+jwt"},
    )


def read_access_token(
    *, token: str, key_set: jwt.PyJWKSet, issuer: str, audience: str, now: datetime
) -> AccessClaims | None:
    """The claims of a token signed by a key of `key_set` (by `kid`), for `audience`, from
    `issuer`, unexpired at `now`; None for any other token."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = next((k for k in key_set.keys if k.key_id == kid), None) if kid else None
        if key is None:
            return None
        raw = jwt.decode(
            token,
            key.key,
            algorithms=list(ACCESS_TOKEN_ALGORITHMS),
            audience=audience,
            issuer=issuer,
            options={"require": ["sub", "exp", "iat", "iss", "aud"], "verify_exp": False},
        )
        claims = AccessClaims.model_validate(raw)
    except (jwt.InvalidTokenError, ValidationError, ValueError, TypeError):
        return None
    if claims.exp <= now.timestamp():
        return None
    return claims
