"""Identity tests on the real Postgres: a fresh identity schema, the app in-process on the
suite's fake clock. Fixtures: `identity` (the harness), `bootstrap_api` (the service token),
`admin` (an admin principal, its key and an admin client on an access token of theirs)."""

import secrets
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest

from tests.support.harness import ServiceHarness, schema_runtime
from ticketflow_common.identity import AUDIENCE, AccessClaims, read_access_token
from ticketflow_identity.main import SPEC
from ticketflow_identity.settings import IdentitySettings

TOKEN = secrets.token_urlsafe(24)
"""The service token: the bootstrap credential."""
SIGNING_SECRET = secrets.token_urlsafe(48)
ISSUER = "http://identity.test"


@dataclass
class IdentityHarness(ServiceHarness[IdentitySettings]):
    """The shared harness plus the token endpoint, the key set and reads of identity's tables."""

    def anonymous(self) -> httpx.AsyncClient:
        client = self.client("")
        del client.headers["Authorization"]
        return client

    async def exchange(self, key: str, **form: str) -> httpx.Response:
        """`POST /token` with the whole `tfid_` key as client_secret."""
        async with self.anonymous() as client:
            return await client.post(
                "/token",
                data={"grant_type": "client_credentials", "client_secret": key, **form},
            )

    async def access_token(self, key: str) -> str:
        response = await self.exchange(key)
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    async def key_set(self) -> jwt.PyJWKSet:
        async with self.anonymous() as client:
            response = await client.get("/.well-known/jwks.json")
        assert response.status_code == 200, response.text
        return jwt.PyJWKSet.from_dict(response.json())

    async def verify(self, token: str) -> AccessClaims | None:
        """As every other service does: against the published key set."""
        return read_access_token(
            token=token,
            key_set=await self.key_set(),
            issuer=ISSUER,
            audience=AUDIENCE,
            now=self.clock(),
        )

    async def fetchval(self, query: str, *args: object) -> Any:
        async with self.pool.acquire() as conn:
            return await conn.fetchval(query, *args)

    async def events(self, event_type: str) -> list[dict[str, Any]]:
        return [e for e in await self.outbox() if e["type"] == event_type]


@dataclass(frozen=True)
class Admin:
    principal_id: str
    key: str
    key_id: str
    api: httpx.AsyncClient


def settings_for(database_url: str, kafka_bootstrap: str, **extra: Any) -> IdentitySettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": kafka_bootstrap,
        "api_token": TOKEN,
        "signing_key_secret": SIGNING_SECRET,
        "public_url": ISSUER,
        "auth_failure_limit": 10_000,  # tests share one client address
        **extra,
    }
    return IdentitySettings(**values)


@pytest.fixture
async def identity(database_url: str, kafka_bootstrap: str) -> AsyncIterator[IdentityHarness]:
    async with schema_runtime(
        service="identity",
        settings=settings_for(database_url, kafka_bootstrap),
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
    ) as made:
        yield IdentityHarness(spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema)


@pytest.fixture
async def bootstrap_api(identity: IdentityHarness) -> AsyncIterator[httpx.AsyncClient]:
    async with identity.client(TOKEN) as client:
        yield client


async def new_principal(api: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {"kind": "person", "display_name": "Ada", "role": "agent", **fields}
    response = await api.post("/principals", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def new_key(api: httpx.AsyncClient, principal_id: str, **fields: Any) -> dict[str, Any]:
    response = await api.post(f"/principals/{principal_id}/keys", json={"name": "ci", **fields})
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


class FreshToken(httpx.Auth):
    """Each request on an access token exchanged at that moment of the fake clock, so a test
    may move time by days and still act as the admin."""

    def __init__(self, identity: IdentityHarness, key: str) -> None:
        self.identity = identity
        self.key = key

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {await self.identity.access_token(self.key)}"
        yield request


@pytest.fixture
async def admin(
    identity: IdentityHarness, bootstrap_api: httpx.AsyncClient
) -> AsyncIterator[Admin]:
    """An admin set up with the service token, acting on access tokens of their own."""
    principal = await new_principal(
        bootstrap_api, display_name="Root", role="admin", email="root@example.org"
    )
    key = await new_key(bootstrap_api, principal["principal_id"])
    async with identity.anonymous() as client:
        client.auth = FreshToken(identity, key["token"])
        yield Admin(
            principal_id=principal["principal_id"],
            key=key["token"],
            key_id=key["key_id"],
            api=client,
        )
