"""One identity (#17) in every service: identity's EdDSA access tokens verified locally against
its key set (inline or fetched over HTTP, refetched on rotation), refused once revoked through
the service's own event table; the service token an admin alone, a bootstrap with identity."""

import asyncio
import contextlib
import json
import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Request
from jwt.algorithms import OKPAlgorithm

from tests.polling import eventually
from tests.support.clock import FakeClock
from tests.support.harness import ServiceHarness, harness_runtime
from tests.support.schemas import fresh_schema
from ticketflow_common.access import Access
from ticketflow_common.events.identity import CredentialRevoked, PrincipalChanged
from ticketflow_common.identity import AUDIENCE, AccessClaims, sign_access_token
from ticketflow_common.key_sets import InlineKeySet, RemoteKeySet
from ticketflow_common.service_main import ServiceSpec, build_app
from ticketflow_common.settings import ServiceSettings
from ticketflow_insights.main import SPEC as INSIGHTS
from ticketflow_insights.settings import InsightsSettings
from ticketflow_intake.main import spec as intake_spec
from ticketflow_intake.settings import IntakeSettings
from ticketflow_knowledge.main import SPEC as KNOWLEDGE
from ticketflow_knowledge.settings import KnowledgeSettings
from ticketflow_mail.main import SPEC as MAIL
from ticketflow_mail.settings import MailSettings
from ticketflow_notify.main import SPEC as NOTIFY
from ticketflow_notify.settings import NotifySettings
from ticketflow_routing.main import SPEC as ROUTING
from ticketflow_routing.settings import RoutingSettings
from ticketflow_sla.main import SPEC as SLA
from ticketflow_sla.settings import SlaSettings

ISSUER = "https://identity.ticketflow.test"
SERVICE_TOKEN = "service-token-" + secrets.token_hex(12)
WHOAMI = "/tickets/-/principal"
"""A test route every service gets (under mail's people paths): the request's principal."""

SpecOf = Callable[[Any], ServiceSpec[Any]]
SERVICES: dict[str, tuple[type[ServiceSettings], SpecOf]] = {
    "intake": (IntakeSettings, intake_spec),
    "routing": (RoutingSettings, lambda _settings: ROUTING),
    "sla": (SlaSettings, lambda _settings: SLA),
    "notify": (NotifySettings, lambda _settings: NOTIFY),
    "insights": (InsightsSettings, lambda _settings: INSIGHTS),
    "knowledge": (KnowledgeSettings, lambda _settings: KNOWLEDGE),
    "mail": (MailSettings, lambda _settings: MAIL),
}
OWN_CALLER = {"intake": "caller", "insights": "viewer", "knowledge": "caller", "mail": "caller"}


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey

    @classmethod
    def new(cls, kid: str | None = None) -> "SigningKey":
        return cls(kid or f"k-{uuid.uuid4().hex[:8]}", Ed25519PrivateKey.generate())

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = OKPAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": "EdDSA", "use": "sig"}


def key_set(*keys: SigningKey) -> str:
    return json.dumps({"keys": [k.jwk() for k in keys]})


@dataclass
class Service:
    """One service's app on a fresh schema, its clock stopped, tokens signed by `key`."""

    name: str
    harness: ServiceHarness[Any]
    app: FastAPI
    key: SigningKey

    @property
    def clock(self) -> FakeClock:
        return self.harness.clock

    def claims(self, **overrides: Any) -> AccessClaims:
        now = int(self.clock().timestamp())
        fields: dict[str, Any] = {
            "iss": ISSUER,
            "sub": str(uuid.uuid4()),
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + 600,
            "jti": uuid.uuid4().hex,
            "cid": f"key-{uuid.uuid4().hex[:8]}",
            "role": "agent",
            "agent_id": uuid.uuid4(),
            "teams": ["network"],
        }
        return AccessClaims.model_validate(fields | overrides)

    def token(self, claims: AccessClaims | None = None, *, key: SigningKey | None = None) -> str:
        signer = key or self.key
        return sign_access_token(
            claims=claims or self.claims(), private_key=signer.private, kid=signer.kid
        )

    async def whoami(self, token: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{self.name}") as http:
            return await http.get(WHOAMI, headers={"Authorization": f"Bearer {token}"})

    async def principal(self, token: str) -> dict[str, Any]:
        answer = await self.whoami(token)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found


def with_whoami(app: FastAPI) -> FastAPI:
    """The app, and first in its routing a route answering with `request.state.principal`."""

    async def whoami(request: Request) -> dict[str, Any]:
        principal = request.state.principal
        own = getattr(request.state, "caller", None) or getattr(request.state, "viewer", None)
        shown = {k: v for k, v in asdict(principal).items() if k != "issued_at"}
        return {**shown, "own": repr(own), "type": type(principal).__name__}

    app.add_api_route(WHOAMI, whoami, methods=["GET"])
    app.router.routes.insert(0, app.router.routes.pop())
    return app


@contextlib.asynccontextmanager
async def running(
    name: str, database_url: str, kafka_bootstrap: str, **overrides: Any
) -> AsyncIterator[Service]:
    settings_type, spec_of = SERVICES[name]
    key = SigningKey.new()
    fields: dict[str, Any] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": kafka_bootstrap,
        "api_token": SERVICE_TOKEN,
        "auth_failure_limit": 10_000,
        "identity_issuer": ISSUER,
        "identity_jwks": key_set(key),
    }
    settings = settings_type.model_validate(fields | overrides)
    async with fresh_schema(database_url, name) as (pool, schema):
        clock = FakeClock()
        runtime = harness_runtime(
            service=name, settings=settings, pool=pool, clock=clock, kafka_bootstrap=kafka_bootstrap
        )
        spec = spec_of(settings)
        harness = ServiceHarness(spec=spec, runtime=runtime, clock=clock, schema=schema)
        try:
            yield Service(name, harness, with_whoami(build_app(spec, runtime)), key)
        finally:
            await runtime.producer.stop()


@pytest.fixture(params=sorted(SERVICES))
async def service(
    request: pytest.FixtureRequest, database_url: str, kafka_bootstrap: str
) -> AsyncIterator[Service]:
    async with running(request.param, database_url, kafka_bootstrap) as found:
        yield found


OWN_ROLES: dict[str, dict[str, str]] = {
    "intake": {"requester": "requester", "agent": "agent", "lead": "agent", "admin": "admin"}
    | {"approver": "approver", "integrator": "requester"},
    "insights": {"requester": "agent", "agent": "agent", "lead": "lead", "admin": "admin"}
    | {"approver": "agent", "integrator": "agent"},
    "knowledge": {"requester": "requester", "agent": "agent", "lead": "agent", "admin": "admin"}
    | {"approver": "requester", "integrator": "requester"},
}
"""The role of each service's own caller type for an identity role."""
OWN_ROLES["mail"] = OWN_ROLES["knowledge"]


async def test_identitys_tokens_are_their_principal_and_forged_ones_401(service: Service) -> None:
    claims = service.claims(role="lead", scope="tickets:work teams:read")
    shown = await service.principal(service.token(claims))
    assert shown["type"] == "Principal"
    assert (shown["subject"], shown["role"], shown["via"]) == (claims.sub, "lead", "access_token")
    assert shown["credential_id"] == claims.cid
    assert shown["agent_id"] == str(claims.agent_id)
    assert shown["teams"] == claims.teams == ["network"]
    assert sorted(shown["scopes"]) == ["teams:read", "tickets:work"]

    for role, own in OWN_ROLES.get(service.name, {}).items():
        shown = await service.principal(service.token(service.claims(role=role)))
        assert shown["role"] == role
        assert f"role='{own}'" in shown["own"], (role, shown["own"])

    answers = {why: (await service.whoami(t)).status_code for why, t in forged(service).items()}
    assert answers == dict.fromkeys(answers, 401)

    shown = await service.principal(SERVICE_TOKEN)
    assert (shown["subject"], shown["role"], shown["via"]) == (
        "bootstrap",
        "bootstrap",
        "service_token",
    )


async def test_a_token_accepted_before_is_refused_once_expired_or_its_key_withdrawn(
    service: Service,
) -> None:
    """The second use of a token skips its signature check, never its expiry or its key."""
    now = int(service.clock().timestamp())
    brief = service.token(service.claims(iat=now, exp=now + 60))
    kept = service.token()
    for _ in range(2):
        assert (await service.whoami(brief)).status_code == 200
        assert (await service.whoami(kept)).status_code == 200
    service.clock.advance(60)
    assert (await service.whoami(brief)).status_code == 401, "expired, though verified before"
    assert (await service.whoami(kept)).status_code == 200

    access: Access = service.app.state.access
    access.use_key_set(InlineKeySet.from_json(key_set(SigningKey.new())))
    assert (await service.whoami(kept)).status_code == 401, "its key left the set"


def forged(service: Service) -> dict[str, str]:
    """Tokens every service must refuse, by what is wrong with them."""
    now = int(service.clock().timestamp())
    good = service.token()
    header, _payload, signature = good.split(".")
    other = jwt.utils.base64url_encode(
        json.dumps(
            {**jwt.decode(good, options={"verify_signature": False}), "role": "admin"}
        ).encode()
    ).decode()
    unsigned_claims = service.claims().model_dump(mode="json", exclude_none=True)
    return {
        "expired": service.token(service.claims(iat=now - 700, exp=now - 100)),
        "expiring now": service.token(service.claims(iat=now - 600, exp=now)),
        "wrong audience": service.token(service.claims(aud="ticketflow-insights")),
        "wrong issuer": service.token(service.claims(iss="https://evil.example")),
        "unknown kid": service.token(key=SigningKey.new()),
        "known kid, other key": service.token(key=SigningKey.new(service.key.kid)),
        "tampered": f"{header}.{other}.{signature}",
        "alg none": jwt.encode(unsigned_claims, "", algorithm="none", headers={"kid": "x"}),
        "HS256": jwt.encode(
            unsigned_claims, "k" * 32, algorithm="HS256", headers={"kid": service.key.kid}
        ),
        "garbage": "not.a.token",
        "empty kid": jwt.encode(unsigned_claims, service.key.private, algorithm="EdDSA"),
    }


@pytest.mark.parametrize("name", sorted(SERVICES))
async def test_without_identity_the_service_token_is_an_admin_and_tokens_are_refused(
    name: str, database_url: str, kafka_bootstrap: str
) -> None:
    async with running(
        name, database_url, kafka_bootstrap, identity_issuer=None, identity_jwks=None
    ) as alone:
        shown = await alone.principal(SERVICE_TOKEN)
        assert (shown["subject"], shown["role"], shown["via"]) == (
            "service-token",
            "admin",
            "service_token",
        )
        assert (await alone.whoami(alone.token())).status_code == 401


async def test_revocations_through_the_event_table_refuse_tokens_within_the_refresh(
    service: Service,
) -> None:
    claims = service.claims()
    token = service.token(claims)
    await service.principal(token)
    revoked = CredentialRevoked(
        credential_id=str(claims.cid),
        principal_id=uuid.UUID(claims.sub),
        reason="revoked",
        revoked_at=service.clock(),
    )
    assert await service.harness.deliver(revoked, subject=claims.sub) == "processed"
    assert (await service.whoami(token)).status_code == 200, "cached until the refresh"
    service.clock.advance(1)

    async def refused(token: str) -> bool:
        return (await service.whoami(token)).status_code == 401

    await eventually(
        lambda: refused(token), what=f"{service.name} refusing a revoked credential's token"
    )
    other = service.token(service.claims(sub=claims.sub))
    assert (await service.whoami(other)).status_code == 200, "another key of theirs still works"

    changed = PrincipalChanged(
        principal_id=uuid.UUID(claims.sub),
        kind="person",
        display_name="Grace",
        role="requester",
        version=2,
        changed_at=service.clock() + timedelta(milliseconds=300),
    )
    assert await service.harness.deliver(changed, subject=claims.sub) == "processed"
    service.clock.advance(1)
    await eventually(
        lambda: refused(other), what=f"{service.name} refusing a token older than the change"
    )
    fresh = service.token(service.claims(sub=claims.sub, role="requester"))
    assert (await service.principal(fresh))["role"] == "requester"


async def test_bad_tokens_count_as_failed_authentications(
    database_url: str, kafka_bootstrap: str
) -> None:
    async with running("routing", database_url, kafka_bootstrap, auth_failure_limit=2) as routing:
        unknown = routing.token(key=SigningKey.new())
        codes = [(await routing.whoami(unknown)).status_code for _ in range(3)]
        assert codes == [401, 401, 429]
        assert (await routing.whoami(routing.token())).status_code == 429


@dataclass
class KeyServer:
    """Identity's key set, published over real HTTP on 127.0.0.1 by a small uvicorn app."""

    keys: list[SigningKey]
    url: str = ""
    requests: int = 0


@contextlib.asynccontextmanager
async def serving(keys: list[SigningKey]) -> AsyncIterator[KeyServer]:
    published = KeyServer(keys=keys)
    app = FastAPI()

    @app.get("/.well-known/jwks.json")
    async def jwks() -> dict[str, Any]:
        published.requests += 1
        return {"keys": [k.jwk() for k in published.keys]}

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="off")
    )
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await eventually(started, what="the key server listening")
    port = server.servers[0].sockets[0].getsockname()[1]
    published.url = f"http://127.0.0.1:{port}/.well-known/jwks.json"
    try:
        yield published
    finally:
        server.should_exit = True
        await task


@dataclass
class Ticking:
    """A monotonic clock the test moves."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_key_set_is_fetched_over_http_and_refetched_on_rotation(
    database_url: str, kafka_bootstrap: str
) -> None:
    first, second = SigningKey.new(), SigningKey.new()
    async with (
        serving([first]) as keys,
        running(
            "sla", database_url, kafka_bootstrap, identity_jwks=None, identity_jwks_url=keys.url
        ) as sla,
    ):
        access: Access = sla.app.state.access
        ticking = Ticking()
        source = RemoteKeySet(url=keys.url, min_refetch_seconds=5, monotonic=ticking)
        access.use_key_set(source)
        assert (await sla.principal(sla.token(key=first)))["via"] == "access_token"
        assert (await sla.principal(sla.token(key=first)))["role"] == "agent"
        assert keys.requests == 1, "cached"

        keys.keys = [first, second]  # identity rotates: the new key signs, the old one stays
        ticking.now += 5
        assert (await sla.whoami(sla.token(key=second))).status_code == 200
        assert keys.requests == 2, "an unknown kid refetched the set"

        flood = [sla.token(key=SigningKey.new()) for _ in range(20)]
        ticking.now += 5
        answers = await asyncio.gather(*(sla.whoami(t) for t in flood))
        assert {a.status_code for a in answers} == {401}
        assert keys.requests == 3, "one fetch for a flood of unknown kids, not one each"
        assert (await sla.whoami(sla.token(key=SigningKey.new()))).status_code == 401
        assert keys.requests == 3, "no refetch sooner than min_refetch_seconds"


async def test_the_default_key_set_is_identitys_published_one(
    database_url: str, kafka_bootstrap: str
) -> None:
    key = SigningKey.new()
    async with serving([key]) as keys:
        issuer = keys.url.removesuffix("/.well-known/jwks.json")
        async with running(
            "notify", database_url, kafka_bootstrap, identity_jwks=None, identity_issuer=issuer
        ) as notify:
            token = notify.token(notify.claims(iss=issuer), key=key)
            assert (await notify.principal(token))["role"] == "agent"
            assert keys.requests == 1
