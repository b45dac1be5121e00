"""Single sign-on (#17) against a real OpenID Connect provider the test runs: discovery, its key
set, real RS256/ES256 tokens, and a key rotation; a service accepts the provider's tokens with
the role its claims map to and refuses every forged, stale or misaddressed one."""

import base64
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from tests.integration.intake.conftest import intake_harness, intake_settings
from tests.integration.routing.conftest import routing_harness
from tests.support.clock import FakeClock
from tests.support.harness import ServiceHarness
from tests.support.oidc_provider import OidcProvider, hand_made, new_key
from tests.support.schemas import fresh_schema
from ticketflow_common.identity import Principal
from ticketflow_common.oidc import OidcVerifier, UnmappedRole, principal_of_external_token
from ticketflow_common.oidc_settings import OidcSettings
from ticketflow_common.service_main import build_app

pytestmark = pytest.mark.integration

TEAM = "5f0c1a52-8f07-4a55-9d35-3a1c6e0c3f11"
AGENT = "8a2b1f0e-77c5-4a43-a2a4-0f6f6c7b9e21"
ROLE_MAP = {"desk-agent": "agent", "客服组长": "lead", "employees": "requester"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def provider(clock: FakeClock) -> AsyncIterator[OidcProvider]:
    async with OidcProvider(clock=clock).serving() as running:
        yield running


def oidc_settings(provider: OidcProvider, **overrides: Any) -> dict[str, Any]:
    """The `oidc_*` settings of a service trusting `provider` (Keycloak-shaped claims)."""
    return {
        "oidc_issuer": provider.issuer,
        "oidc_audience": provider.audience,
        "oidc_role_claim": "realm_access.roles",
        "oidc_role_map": ROLE_MAP,
        "oidc_agent_claim": "ticketflow.agent_id",
        "oidc_teams_claim": "ticketflow.teams",
        **overrides,
    }


@pytest.fixture
def verifier(provider: OidcProvider) -> OidcVerifier:
    return OidcVerifier.of(OidcSettings(**oidc_settings(provider)))


def lead_claims(provider: OidcProvider, **overrides: Any) -> dict[str, Any]:
    return provider.claims(
        realm_access={"roles": ["offline_access", "employees", "客服组长"]},
        ticketflow={"agent_id": AGENT, "teams": [TEAM, "not-a-team-id"]},
        **overrides,
    )


async def test_a_provider_token_maps_to_its_highest_role(
    provider: OidcProvider, verifier: OidcVerifier, clock: FakeClock
) -> None:
    for alg in ("RS256", "ES256"):
        claims = lead_claims(provider)
        token = provider.mint(claims, alg=alg)
        got = await principal_of_external_token(token=token, verifier=verifier, now=clock())
        assert got is not None, alg
        assert (got.subject, got.role, got.via) == (claims["sub"], "lead", "oidc")
        assert str(got.agent_id) == AGENT
        assert {str(t) for t in got.teams} == {TEAM}
    assert provider.requests == {"discovery": 1, "jwks": 1}, "discovered once, keys cached"


async def test_a_token_mapping_to_no_role_is_refused_as_such(
    provider: OidcProvider, verifier: OidcVerifier, clock: FakeClock
) -> None:
    token = provider.mint(provider.claims(realm_access={"roles": ["offline_access"]}))
    with pytest.raises(UnmappedRole, match=r"realm_access\.roles"):
        await principal_of_external_token(token=token, verifier=verifier, now=clock())


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["realm_access"] = {"roles": ["客服组长"]}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def refused_tokens(provider: OidcProvider, clock: FakeClock) -> dict[str, str]:
    """Tokens a verifier trusting `provider` refuses, by why."""
    rsa = provider.key("RS256")
    good = lead_claims(provider)
    now = int(clock().timestamp())
    return {
        "wrong audience": provider.mint({**good, "aud": "another-app"}),
        "wrong issuer": provider.mint({**good, "iss": provider.issuer + "-other"}),
        "expired": provider.mint({**good, "iat": now - 3600, "exp": now - 600}),
        "not yet valid": provider.mint({**good, "nbf": now + 600}),
        "issued in the future": provider.mint({**good, "iat": now + 600, "exp": now + 900}),
        "no expiry": provider.mint({k: v for k, v in good.items() if k != "exp"}),
        "alg none": hand_made({"alg": "none", "kid": rsa.kid}, good, hs256_secret=None),
        "HS256 keyed with the public key": hand_made(
            {"alg": "HS256", "kid": rsa.kid, "typ": "JWT"}, good, hs256_secret=rsa.public_pem()
        ),
        "unknown kid": provider.mint(good, signer=new_key("RS256")),
        "a known kid, another key": provider.mint(good, signer=new_key("RS256"), kid=rsa.kid),
        "ES256 header on the RSA key": provider.mint(good, alg="ES256", kid=rsa.kid),
        "tampered": tampered(provider.mint({**good, "realm_access": {"roles": ["employees"]}})),
        "not a JWT": "tfid_abc.def",
    }


async def test_forged_stale_and_misaddressed_tokens_are_refused(
    provider: OidcProvider, verifier: OidcVerifier, clock: FakeClock
) -> None:
    for why, token in refused_tokens(provider, clock).items():
        got = await principal_of_external_token(token=token, verifier=verifier, now=clock())
        assert got is None, why


async def test_a_small_clock_skew_is_tolerated(
    provider: OidcProvider, verifier: OidcVerifier, clock: FakeClock
) -> None:
    now = int(clock().timestamp())
    skewed = lead_claims(provider, iat=now + 10, nbf=now + 10, exp=now + 300)
    assert await verifier.verified_claims(token=provider.mint(skewed), now=clock()) is not None
    late = lead_claims(provider, iat=now - 300, exp=now - 10)
    assert await verifier.verified_claims(token=provider.mint(late), now=clock()) is not None


async def test_after_a_rotation_new_tokens_verify_and_the_dropped_keys_do_not(
    provider: OidcProvider, verifier: OidcVerifier, clock: FakeClock
) -> None:
    before = provider.mint(lead_claims(provider))
    assert await principal_of_external_token(token=before, verifier=verifier, now=clock())
    new, old = provider.rotate("RS256")
    clock.advance(10)
    after = provider.mint(lead_claims(provider), signer=new)
    got = await principal_of_external_token(token=after, verifier=verifier, now=clock())
    assert got is not None, "an unknown kid refetches the key set"
    assert got.role == "lead"
    assert provider.requests["jwks"] == 2
    dropped = provider.mint(lead_claims(provider), signer=old)
    assert await principal_of_external_token(token=dropped, verifier=verifier, now=clock()) is None


async def test_unknown_kids_refetch_at_most_every_few_seconds(
    provider: OidcProvider, verifier: OidcVerifier, clock: FakeClock
) -> None:
    assert await verifier.verified_claims(token=provider.mint(lead_claims(provider)), now=clock())
    clock.advance(5)
    stranger = new_key("ES256")
    for n in range(20):
        forged = provider.mint(lead_claims(provider), signer=stranger, kid=f"forged-{n}")
        assert await verifier.verified_claims(token=forged, now=clock()) is None
    assert provider.requests["jwks"] == 2, "one refetch for twenty unknown kids"
    new, _ = provider.rotate("ES256")
    fresh = provider.mint(lead_claims(provider), signer=new)
    assert await verifier.verified_claims(token=fresh, now=clock()) is None, "not yet refetched"
    clock.advance(5)
    assert await verifier.verified_claims(token=fresh, now=clock()) is not None
    assert provider.requests["jwks"] == 3


async def test_the_key_set_is_fetched_again_when_old(
    provider: OidcProvider, verifier: OidcVerifier, clock: FakeClock
) -> None:
    token = provider.mint(lead_claims(provider))
    assert await verifier.verified_claims(token=token, now=clock())
    _, old = provider.rotate("RS256")
    assert await verifier.verified_claims(token=token, now=clock()), "cached: still known"
    clock.advance(3600)
    token = provider.mint(lead_claims(provider), signer=old)
    assert await verifier.verified_claims(token=token, now=clock()) is None
    assert provider.requests == {"discovery": 1, "jwks": 2}


async def test_an_explicit_key_set_url_skips_discovery(
    provider: OidcProvider, clock: FakeClock
) -> None:
    settings = OidcSettings(**oidc_settings(provider, oidc_jwks_url=provider.jwks_url))
    verifier = OidcVerifier.of(settings)
    assert await verifier.verified_claims(token=provider.mint(lead_claims(provider)), now=clock())
    assert provider.requests == {"jwks": 1}


async def test_an_unreachable_provider_refuses_without_failing(clock: FakeClock) -> None:
    provider = OidcProvider(clock=clock)  # never served
    verifier = OidcVerifier.of(OidcSettings(**oidc_settings(provider, oidc_http_timeout_seconds=1)))
    token = provider.mint(lead_claims(provider))
    assert await verifier.verified_claims(token=token, now=clock()) is None


async def whoami(request: Request) -> dict[str, Any]:
    """The principal the service's authenticator found (and intake's own view, if any)."""
    principal: Principal = request.state.principal
    caller = getattr(request.state, "caller", None)
    return {
        "subject": principal.subject,
        "role": principal.role,
        "via": principal.via,
        "agent_id": None if principal.agent_id is None else str(principal.agent_id),
        "teams": sorted(str(t) for t in principal.teams),
        "caller_role": getattr(caller, "role", None),
    }


@contextlib.asynccontextmanager
async def service_app(
    service: str, provider: OidcProvider, database_url: str, kafka_bootstrap: str
) -> AsyncIterator[tuple[FastAPI, FakeClock]]:
    """Routing's or intake's app, trusting `provider`, with a `/whoami` route."""
    clock = FakeClock()
    provider.clock = clock
    async with fresh_schema(database_url, service) as (pool, schema):
        if service == "routing":
            harness: ServiceHarness[Any] = routing_harness(
                pool, schema, kafka_bootstrap=kafka_bootstrap, **oidc_settings(provider)
            )
            harness.clock.now = clock.now
            clock = harness.clock
            provider.clock = clock
        else:
            settings = intake_settings(database_url, kafka_bootstrap, **oidc_settings(provider))
            harness = intake_harness(settings=settings, pool=pool, schema=schema, clock=clock)
        app = build_app(harness.spec, harness.runtime)
        app.add_api_route("/whoami", whoami, methods=["GET"])
        try:
            yield app, clock
        finally:
            await harness.runtime.producer.stop()


def bearer(app: FastAPI, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://service",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize("service", ["routing", "intake"])
async def test_a_service_accepts_provider_tokens_with_the_mapped_role(
    service: str, provider: OidcProvider, database_url: str, kafka_bootstrap: str
) -> None:
    async with service_app(service, provider, database_url, kafka_bootstrap) as (app, _clock):
        claims = lead_claims(provider)
        async with bearer(app, provider.mint(claims, alg="ES256")) as http:
            got = await http.get("/whoami")
        assert got.status_code == 200, got.text
        assert got.json() | {"caller_role": None} == {
            "subject": claims["sub"],
            "role": "lead",
            "via": "oidc",
            "agent_id": AGENT,
            "teams": [TEAM],
            "caller_role": None,
        }
        agent = provider.mint(provider.claims(realm_access={"roles": ["desk-agent"]}))
        async with bearer(app, agent) as http:
            got = await http.get("/whoami")
            listed = await http.get("/agents" if service == "routing" else "/categories")
        assert got.json()["role"] == "agent"
        assert listed.status_code == 200, listed.text
        if service == "intake":
            assert got.json()["caller_role"] == "agent", "intake's own view follows"


@pytest.mark.parametrize("service", ["routing", "intake"])
async def test_a_service_refuses_bad_provider_tokens(
    service: str, provider: OidcProvider, database_url: str, kafka_bootstrap: str
) -> None:
    async with service_app(service, provider, database_url, kafka_bootstrap) as (app, clock):
        for why, token in refused_tokens(provider, clock).items():
            async with bearer(app, token) as http:
                got = await http.get("/whoami")
            assert got.status_code == 401, (why, got.text)
        unmapped = provider.mint(provider.claims(realm_access={"roles": ["offline_access"]}))
        async with bearer(app, unmapped) as http:
            got = await http.get("/whoami")
        assert got.status_code == 403, got.text
        assert "realm_access.roles" in got.json()["detail"]


async def test_a_service_follows_the_providers_key_rotation(
    provider: OidcProvider, database_url: str, kafka_bootstrap: str
) -> None:
    async with service_app("routing", provider, database_url, kafka_bootstrap) as (app, clock):
        async with bearer(app, provider.mint(lead_claims(provider))) as http:
            assert (await http.get("/whoami")).status_code == 200
        new, old = provider.rotate("RS256")
        clock.advance(10)
        async with bearer(app, provider.mint(lead_claims(provider), signer=new)) as http:
            got = await http.get("/whoami")
        assert got.status_code == 200, "the unknown kid refetched the key set"
        async with bearer(app, provider.mint(lead_claims(provider), signer=old)) as http:
            got = await http.get("/whoami")
        assert got.status_code == 401, "the dropped key no longer verifies"
        assert provider.requests == {"discovery": 1, "jwks": 2}
