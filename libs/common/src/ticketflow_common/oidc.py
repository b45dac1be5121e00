"""Single sign-on (#17): access tokens of an external OpenID Connect provider, verified against
its published key set (discovered, cached, refetched on an unknown `kid`), and the Ticketflow
principal their claims map to. Every service's authenticator and identity's token exchange use
it; the settings are `OidcSettings` on every service's settings."""

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from ticketflow_common.http_documents import FetchFailed, fetch_document
from ticketflow_common.identity import Principal
from ticketflow_common.oidc_claims import claim_at, role_of, team_keys_of, uuids_of
from ticketflow_common.oidc_settings import OidcSettings
from ticketflow_common.problems import ProblemError

log = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"


class UnmappedRole(Exception):
    """A well-signed token whose role claim maps to no Ticketflow role: refused with 403."""


def unverified_issuer(token: str) -> str | None:
    """The `iss` a token claims, unverified: only to choose which verifier to try."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) else None


def signing_keys(document: Any) -> dict[str, jwt.PyJWK]:
    """The signature keys of a JWKS document by `kid`; keys for encryption, without a `kid`, or
    of a type this process cannot use are left out."""
    keys: dict[str, jwt.PyJWK] = {}
    entries = document.get("keys") if isinstance(document, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid:
            continue
        try:
            keys[kid] = jwt.PyJWK.from_dict(entry)
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
            log.warning("oidc: key %s of the key set is unusable, skipped", kid)
    return keys


@dataclass
class ProviderKeys:
    """The provider's key set: fetched on first use and after `max_age`, and again when a token
    names an unknown `kid` (a rotation), but not more than once per `refetch` — so a flood of
    forged kids costs the provider one request per few seconds."""

    settings: OidcSettings
    keys: dict[str, jwt.PyJWK] = field(default_factory=dict)
    fetched_at: datetime | None = None
    attempted_at: datetime | None = None
    jwks_url: str | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def key(self, kid: str, *, now: datetime) -> jwt.PyJWK | None:
        if self._stale(now) or (kid not in self.keys and self._may_refetch(now)):
            async with self._lock:
                if self._stale(now) or (kid not in self.keys and self._may_refetch(now)):
                    await self._refresh(now)
        return self.keys.get(kid)

    def _stale(self, now: datetime) -> bool:
        if self.fetched_at is None:
            return self._may_refetch(now)
        max_age = timedelta(seconds=self.settings.oidc_jwks_max_age_seconds)
        return now - self.fetched_at >= max_age and self._may_refetch(now)

    def _may_refetch(self, now: datetime) -> bool:
        if self.attempted_at is None:
            return True
        return now - self.attempted_at >= timedelta(seconds=self.settings.oidc_jwks_refetch_seconds)

    async def _refresh(self, now: datetime) -> None:
        self.attempted_at = now
        try:
            document = await self._get(await self._jwks_url())
        except (FetchFailed, ValueError) as exc:
            log.warning("oidc: fetching the key set failed (%s); kept the last one", exc)
            return
        self.keys = signing_keys(document)
        self.fetched_at = now

    async def _jwks_url(self) -> str:
        if self.settings.oidc_jwks_url:
            return self.settings.oidc_jwks_url
        if self.jwks_url is None:
            issuer = str(self.settings.oidc_issuer)
            discovery = await self._get(issuer.rstrip("/") + DISCOVERY_PATH)
            if not isinstance(discovery, dict) or discovery.get("issuer") != issuer:
                raise ValueError("the discovery document names another issuer")
            uri = discovery.get("jwks_uri")
            if not isinstance(uri, str) or not uri.startswith(("https://", "http://")):
                raise ValueError("the discovery document has no jwks_uri")
            self.jwks_url = uri
        return self.jwks_url

    async def _get(self, url: str) -> Any:
        timeout = self.settings.oidc_http_timeout_seconds
        return json.loads(await fetch_document(url, timeout_seconds=timeout))


@dataclass
class OidcVerifier:
    """Verifies the configured issuer's tokens and maps their claims to a `Principal`."""

    settings: OidcSettings
    keys: ProviderKeys

    @classmethod
    def of(cls, settings: OidcSettings) -> "OidcVerifier":
        return cls(settings=settings, keys=ProviderKeys(settings=settings))

    def accepts_issuer_of(self, token: str) -> bool:
        """The token claims to come from the configured issuer (unverified)."""
        issuer = self.settings.oidc_issuer
        return issuer is not None and unverified_issuer(token) == issuer

    async def verified_claims(self, *, token: str, now: datetime) -> dict[str, Any] | None:
        """The claims of a token signed by a current key of the provider with an allowed
        algorithm, from the issuer, for the audience, valid at `now` (give or take the
        leeway); None for any other token."""
        s = self.settings
        if s.oidc_issuer is None or s.oidc_audience is None:
            return None
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            return None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in s.oidc_algorithms or not isinstance(kid, str):
            return None
        key = await self.keys.key(kid, now=now)
        if key is None or (key.algorithm_name and key.algorithm_name != alg):
            return None
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=s.oidc_audience,
                issuer=s.oidc_issuer,
                options={
                    "require": ["iss", "aud", "exp", "iat"],
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except (jwt.InvalidTokenError, ValueError, TypeError):
            return None
        return claims if self._in_time(claims, now) else None

    def _in_time(self, claims: dict[str, Any], now: datetime) -> bool:
        at, leeway = now.timestamp(), self.settings.oidc_leeway_seconds
        times = [claims.get("exp"), claims.get("iat"), claims.get("nbf", 0)]
        if not all(isinstance(t, int | float) and not isinstance(t, bool) for t in times):
            return False
        exp, iat, nbf = (float(t) for t in times)
        return exp > at - leeway and iat <= at + leeway and nbf <= at + leeway

    def principal_of(self, claims: dict[str, Any]) -> Principal | None:
        """The principal of verified claims; None without a subject; `UnmappedRole` when none
        of the role claim's values is in the role map."""
        s = self.settings
        subject = claim_at(claims, s.oidc_subject_claim)
        if not isinstance(subject, str) or not subject:
            return None
        role = role_of(claims, claim=s.oidc_role_claim, role_map=s.oidc_role_map)
        if role is None:
            raise UnmappedRole(
                f"none of the values of the token's {s.oidc_role_claim!r} claim maps to a "
                "Ticketflow role (oidc_role_map)"
            )
        agents = uuids_of(claim_at(claims, s.oidc_agent_claim)) if s.oidc_agent_claim else []
        teams = team_keys_of(claim_at(claims, s.oidc_teams_claim)) if s.oidc_teams_claim else []
        return Principal(
            subject=subject,
            role=role,
            via="oidc",
            agent_id=agents[0] if len(agents) == 1 else None,
            teams=frozenset(teams),
            issued_at=datetime.fromtimestamp(claims["iat"], tz=UTC),
        )


async def principal_of_external_token(
    *, token: str, verifier: OidcVerifier, now: datetime
) -> Principal | None:
    """The principal of a valid token of the external issuer; None (401) for an invalid one;
    `UnmappedRole` (403) for a valid one whose claims map to no role."""
    claims = await verifier.verified_claims(token=token, now=now)
    return None if claims is None else verifier.principal_of(claims)


@dataclass
class ExternalTokens:
    """The external issuer's tokens as one of a service's token verifiers (tried by the token's
    unverified `iss`, like identity's own): 403 for a valid token that maps to no role."""

    issuer: str
    verifier: OidcVerifier

    async def verify(self, *, token: str, now: datetime) -> Principal | None:
        try:
            return await principal_of_external_token(token=token, verifier=self.verifier, now=now)
        except UnmappedRole as refused:
            raise ProblemError(403, str(refused)) from None


def external_verifiers(settings: OidcSettings) -> list[ExternalTokens]:
    """The verifier of the configured external issuer; none while `oidc_issuer` is unset."""
    if settings.oidc_issuer is None:
        return []
    return [ExternalTokens(issuer=settings.oidc_issuer, verifier=OidcVerifier.of(settings))]
