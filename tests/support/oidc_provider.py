"""A real OpenID Connect provider for the suite: discovery, a key set of real RS256 and ES256
keys, tokens signed with them, and key rotation, served on 127.0.0.1 like a Keycloak realm."""

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.polling import eventually
from tests.processes import free_port

Alg = Literal["RS256", "ES256"]
REALM = "/realms/ticketflow"
CERTS = f"{REALM}/protocol/openid-connect/certs"


@dataclass(frozen=True)
class ProviderKey:
    kid: str
    alg: Alg
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

    def public_jwk(self) -> dict[str, Any]:
        public = self.private_key.public_key()
        jwk: dict[str, Any] = (
            RSAAlgorithm.to_jwk(public, as_dict=True)
            if isinstance(public, rsa.RSAPublicKey)
            else ECAlgorithm.to_jwk(public, as_dict=True)
        )
        return {**jwk, "kid": self.kid, "alg": self.alg, "use": "sig"}

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def new_key(alg: Alg) -> ProviderKey:
    private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if alg == "RS256"
        else ec.generate_private_key(ec.SECP256R1())
    )
    return ProviderKey(kid=f"{alg.lower()}-{secrets.token_hex(4)}", alg=alg, private_key=private)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hand_made(header: dict[str, Any], claims: dict[str, Any], *, hs256_secret: bytes | None) -> str:
    """A token built by hand, as an attacker would: unsigned (`alg: none`) or HMAC-signed with
    `hs256_secret` (e.g. the provider's public key, which everyone has)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if hs256_secret is None:
        return signing_input + "."
    mac = hmac.new(hs256_secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


@dataclass
class OidcProvider:
    """The provider: `issuer` is a realm URL on a free port; `keys` are published (the last one
    signs by default); `requests` counts what was fetched, per path."""

    audience: str = "ticketflow-desk"
    clock: Callable[[], datetime] = lambda: datetime.now(tz=UTC)
    port: int = field(default_factory=free_port)
    keys: list[ProviderKey] = field(default_factory=lambda: [new_key("RS256"), new_key("ES256")])
    requests: Counter[str] = field(default_factory=Counter)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}{REALM}"

    @property
    def jwks_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{CERTS}"

    def key(self, alg: Alg | None = None, kid: str | None = None) -> ProviderKey:
        """The newest published key of `alg` (or of any algorithm), or the one named `kid`."""
        found = [k for k in self.keys if (kid is None or k.kid == kid) and alg in (None, k.alg)]
        if not found:
            raise LookupError(f"no published key (alg {alg}, kid {kid})")
        return found[-1]

    def add_key(self, alg: Alg) -> ProviderKey:
        key = new_key(alg)
        self.keys.append(key)
        return key

    def drop_key(self, kid: str) -> None:
        self.keys = [k for k in self.keys if k.kid != kid]

    def rotate(self, alg: Alg = "RS256") -> tuple[ProviderKey, ProviderKey]:
        """A new key of `alg` published and signing; the previous one of `alg` dropped.
        (new, old)."""
        old = self.key(alg)
        new = self.add_key(alg)
        self.drop_key(old.kid)
        return new, old

    def claims(self, **overrides: Any) -> dict[str, Any]:
        """Claims of an access token for the audience, issued now for five minutes."""
        now = self.clock()
        return {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(uuid.uuid4()),
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=5)).timestamp()),
            "jti": secrets.token_hex(8),
            **overrides,
        }

    def mint(
        self,
        claims: dict[str, Any] | None = None,
        *,
        alg: Alg | None = None,
        kid: str | None = None,
        signer: ProviderKey | None = None,
    ) -> str:
        """A real token signed by `signer` (default: the newest published key of `alg`); the
        header names `kid` when given (a lie), else the signer's."""
        key = signer or self.key(alg)
        return jwt.encode(
            claims if claims is not None else self.claims(),
            key.private_key,
            algorithm=key.alg,
            headers={"kid": kid or key.kid, "typ": "at+jwt"},
        )

    async def discovery(self, request: Request) -> JSONResponse:
        self.requests["discovery"] += 1
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/protocol/openid-connect/auth",
                "token_endpoint": f"{self.issuer}/protocol/openid-connect/token",
                "jwks_uri": self.jwks_url,
                "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
            }
        )

    async def jwks(self, request: Request) -> JSONResponse:
        self.requests["jwks"] += 1
        return JSONResponse({"keys": [k.public_jwk() for k in self.keys]})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route(f"{REALM}/.well-known/openid-configuration", self.discovery),
                Route(CERTS, self.jwks),
            ]
        )

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator["OidcProvider"]:
        """Listening on 127.0.0.1:`port` in this event loop for the duration of the block."""
        server = uvicorn.Server(
            uvicorn.Config(self.app(), host="127.0.0.1", port=self.port, log_level="warning")
        )
        task = asyncio.create_task(server.serve())

        async def started() -> bool:
            return bool(server.started)

        try:
            await eventually(started, what="the OIDC provider to listen", within=10)
            yield self
        finally:
            server.should_exit = True
            await task
