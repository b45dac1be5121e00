"""Who a bearer token stands for, the same in every service: the service token (an admin while
the service runs on its own, a bootstrap credential once identity is configured), or an access
token a verifier accepts (identity's, checked against its key set and the revocations).

The verifiers are a list tried by the token's unverified `iss`: external OpenID Connect issuers
(`ticketflow_common.oidc`) add theirs to `token_verifiers`."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import jwt
from fastapi import Request
from pydantic import SecretStr

from ticketflow_common.identity import (
    AUDIENCE,
    BOOTSTRAP,
    STANDALONE_ADMIN,
    AccessClaims,
    Principal,
    principal_of,
    read_access_token,
)
from ticketflow_common.key_sets import InlineKeySet, KeySetSource, RemoteKeySet, has_kid
from ticketflow_common.oidc import external_verifiers
from ticketflow_common.revocations import RevocationCache
from ticketflow_common.runtime import Runtime
from ticketflow_common.settings import ServiceSettings
from ticketflow_common.verified_tokens import VerifiedToken, VerifiedTokens


class TokenVerifier(Protocol):
    """Accepts the access tokens of one issuer: their principal, or None."""

    issuer: str

    async def verify(self, *, token: str, now: datetime) -> Principal | None: ...


@dataclass
class IdentityTokens:
    """Identity's access tokens: EdDSA by a key of its set, for `ticketflow`, unexpired, and
    neither revoked nor older than their principal's last change."""

    issuer: str
    key_set: KeySetSource
    revocations: RevocationCache
    audience: str = AUDIENCE
    verified: VerifiedTokens = field(default_factory=VerifiedTokens)

    def has_verified(self, token: str) -> bool:
        """This token passed `verify` before (its issuer need not be read again)."""
        return self.verified.get(token) is not None

    async def verify(self, *, token: str, now: datetime) -> Principal | None:
        known = self.verified.get(token)
        claims = await (self._recheck(token, known, now) if known else self._check(token, now))
        if claims is None or await self.revocations.refuses(claims):
            return None
        return principal_of(claims)

    async def _check(self, token: str, now: datetime) -> AccessClaims | None:
        kid = unverified_header(token).get("kid")
        if not isinstance(kid, str) or not kid:
            return None
        key_set = await self.key_set.key_set(kid=kid)
        if key_set is None:
            return None
        claims = read_access_token(
            token=token, key_set=key_set, issuer=self.issuer, audience=self.audience, now=now
        )
        if claims is not None:
            self.verified.put(token, VerifiedToken(kid=kid, claims=claims))
        return claims

    async def _recheck(
        self, token: str, known: VerifiedToken, now: datetime
    ) -> AccessClaims | None:
        """A verified token still stands while it is unexpired and its key is in the set."""
        if known.claims.exp <= now.timestamp() or not has_kid(
            await self.key_set.key_set(kid=known.kid), known.kid
        ):
            self.verified.forget(token)
            return None
        return known.claims


@dataclass
class Access:
    """What the app's authenticator checks a bearer against (`app.state.access`)."""

    service_token: SecretStr
    identity_configured: bool
    clock: Callable[[], datetime]
    verifiers: list[TokenVerifier] = field(default_factory=list)

    def service_principal(self) -> Principal:
        return BOOTSTRAP if self.identity_configured else STANDALONE_ADMIN

    def verifier_for(self, issuer: str) -> TokenVerifier | None:
        return next((v for v in self.verifiers if v.issuer == issuer), None)

    def identity_tokens(self) -> IdentityTokens | None:
        return next((v for v in self.verifiers if isinstance(v, IdentityTokens)), None)

    def use_key_set(self, source: KeySetSource) -> None:
        """Verify identity's tokens against `source` (identity: its own signing keys)."""
        tokens = self.identity_tokens()
        if tokens is None:
            raise ValueError("identity_issuer is not set: no identity tokens to verify")
        tokens.key_set = source

    async def principal(self, token: str) -> Principal | None:
        """The principal `token` stands for; None for anything not accepted (a 401)."""
        if secrets.compare_digest(token.encode(), self.service_token.get_secret_value().encode()):
            return self.service_principal()
        known = self.identity_tokens()
        if known is not None and known.has_verified(token):
            return await known.verify(token=token, now=self.clock())
        issuer = unverified_claims(token).get("iss")
        if not isinstance(issuer, str):
            return None
        verifier = self.verifier_for(issuer)
        if verifier is None:
            return None
        return await verifier.verify(token=token, now=self.clock())


def unverified_header(token: str) -> dict[str, Any]:
    try:
        header: dict[str, Any] = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        return {}
    return header


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims, signature unchecked: only to pick the verifier that checks it."""
    if token.count(".") != 2:
        return {}
    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return {}
    return claims if isinstance(claims, dict) else {}


def identity_key_set(settings: ServiceSettings) -> KeySetSource:
    """The inline key set when one is given, else identity's published one."""
    if settings.identity_jwks is not None:
        return InlineKeySet.from_json(settings.identity_jwks)
    url = settings.identity_key_set_url
    if url is None:
        raise ValueError("identity_issuer is not set")
    return RemoteKeySet(url=url)


def token_verifiers(runtime: Runtime[Any]) -> list[TokenVerifier]:
    """The verifiers a service's settings configure, identity's first; the extension point
    for other issuers (external OpenID Connect providers)."""
    settings: ServiceSettings = runtime.settings
    verifiers: list[TokenVerifier] = []
    if settings.identity_issuer is not None:
        verifiers.append(
            IdentityTokens(
                issuer=settings.identity_issuer,
                key_set=identity_key_set(settings),
                revocations=RevocationCache(
                    pool=runtime.pool,
                    clock=runtime.clock,
                    refresh_seconds=settings.identity_revocation_refresh_seconds,
                ),
            )
        )
    verifiers.extend(external_verifiers(settings))
    return verifiers


def access_for(runtime: Runtime[Any]) -> Access:
    settings: ServiceSettings = runtime.settings
    return Access(
        service_token=settings.api_token,
        identity_configured=settings.identity_configured,
        clock=runtime.clock,
        verifiers=token_verifiers(runtime),
    )


def app_access(request: Request) -> Access:
    """The app's `Access`, installed by `create_app`."""
    access: Access = request.app.state.access
    return access


async def principal_of_bearer(request: Request, token: str) -> Principal | None:
    """The principal of a bearer token presented to this app; None: 401."""
    return await app_access(request).principal(token)
