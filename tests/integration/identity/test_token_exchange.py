"""RFC 8693 token exchange at identity's `POST /token`: a real provider's token (the suite's
OIDC provider) becomes an identity access token for the principal its email names, created on
first sight only with auto-provisioning; every invalid subject token is refused."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.integration.identity.conftest import (
    ISSUER,
    TOKEN,
    IdentityHarness,
    new_principal,
    settings_for,
)
from tests.integration.routing.conftest import routing_harness
from tests.support.harness import schema_runtime
from tests.support.oidc_provider import OidcProvider, hand_made
from tests.support.schemas import fresh_schema
from ticketflow_identity.main import SPEC

pytestmark = pytest.mark.integration

EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"
SAML2 = "urn:ietf:params:oauth:token-type:saml2"
TEAM = "5f0c1a52-8f07-4a55-9d35-3a1c6e0c3f11"


@pytest.fixture
async def provider() -> AsyncIterator[OidcProvider]:
    async with OidcProvider().serving() as running:
        yield running


@pytest.fixture(params=[False, True], ids=["linking", "provisioning"])
async def identity(
    request: pytest.FixtureRequest,
    provider: OidcProvider,
    database_url: str,
    kafka_bootstrap: str,
) -> AsyncIterator[IdentityHarness]:
    """Identity trusting `provider` (groups claim, Chinese group names), auto-provisioning
    on or off by the parameter."""
    settings = settings_for(
        database_url,
        kafka_bootstrap,
        oidc_issuer=provider.issuer,
        oidc_audience=provider.audience,
        oidc_role_claim="groups",
        oidc_role_map={"员工": "requester", "客服": "agent", "客服组长": "lead"},
        oidc_teams_claim="desk.teams",
        oidc_auto_provision=request.param,
    )
    async with schema_runtime(
        service="identity",
        settings=settings,
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
    ) as made:
        provider.clock = made.clock
        yield IdentityHarness(spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema)


async def exchange(identity: IdentityHarness, subject_token: str, **form: str) -> httpx.Response:
    async with identity.anonymous() as client:
        return await client.post(
            "/token",
            data={
                "grant_type": EXCHANGE,
                "subject_token": subject_token,
                "subject_token_type": ACCESS_TOKEN,
                **form,
            },
        )


def person(provider: OidcProvider, email: str, **claims: Any) -> dict[str, Any]:
    return provider.claims(
        email=email, email_verified=True, name="李雷", groups=["员工", "客服组长"], **claims
    )


def refused(response: httpx.Response, *words: str, why: str = "") -> None:
    assert response.status_code == 400, (why, response.text)
    body = response.json()
    assert body["error"] == "invalid_request", (why, body)
    for word in words:
        assert word in body["error_description"], (why, body)


async def test_a_provider_token_becomes_an_identity_token_of_the_linked_principal(
    identity: IdentityHarness, provider: OidcProvider
) -> None:
    async with identity.client(TOKEN) as bootstrap:
        agent = await new_principal(bootstrap, email="Li.Lei@example.cn", role="agent")
    got = await exchange(identity, provider.mint(person(provider, "li.lei@example.cn")))
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["token_type"] == "Bearer"
    assert body["issued_token_type"] == ACCESS_TOKEN
    assert body["expires_in"] == identity.settings.access_token_seconds
    claims = await identity.verify(body["access_token"])
    assert claims is not None
    assert claims.sub == agent["principal_id"]
    assert claims.role == "agent", "identity's role, not the one the provider's groups map to"
    async with identity.client(body["access_token"]) as as_them:
        me = await as_them.get("/me")
    assert me.status_code == 200, me.text


async def test_an_unknown_email_is_provisioned_only_when_configured(
    identity: IdentityHarness, provider: OidcProvider
) -> None:
    claims = person(provider, "han.meimei@example.cn", desk={"teams": [TEAM]})
    got = await exchange(identity, provider.mint(claims, alg="ES256"))
    if not identity.settings.oidc_auto_provision:
        refused(got, "han.meimei@example.cn", "auto-provisioning is off")
        return
    assert got.status_code == 200, got.text
    made = await identity.verify(got.json()["access_token"])
    assert made is not None
    assert (made.role, [str(t) for t in made.teams]) == ("lead", [TEAM])
    again = await exchange(identity, provider.mint(claims))
    assert again.status_code == 200, again.text
    second = await identity.verify(again.json()["access_token"])
    assert second is not None
    assert second.sub == made.sub, "the second exchange links to the person the first made"
    created = await identity.events("principal.changed")
    assert [e["data"]["display_name"] for e in created] == ["李雷"]
    unmapped = person(provider, "wang@example.cn") | {"groups": ["访客"]}
    refused(await exchange(identity, provider.mint(unmapped)), "groups", "oidc_role_map")


async def test_invalid_subject_tokens_are_refused(
    identity: IdentityHarness, provider: OidcProvider
) -> None:
    async with identity.client(TOKEN) as bootstrap:
        await new_principal(bootstrap, email="li.lei@example.cn", role="agent")
    good = person(provider, "li.lei@example.cn")
    now = int(identity.clock().timestamp())
    rsa = provider.key("RS256")
    for why, token in {
        "wrong audience": provider.mint({**good, "aud": "another-app"}),
        "expired": provider.mint({**good, "iat": now - 3600, "exp": now - 600}),
        "alg none": hand_made({"alg": "none", "kid": rsa.kid}, good, hs256_secret=None),
        "HS256": hand_made({"alg": "HS256", "kid": rsa.kid}, good, hs256_secret=rsa.public_pem()),
        "unknown kid": provider.mint(good, kid="not-published"),
    }.items():
        refused(await exchange(identity, token), "not a valid token", why=why)
    refused(
        await exchange(identity, provider.mint({**good, "email_verified": False})), "not verified"
    )
    refused(
        await exchange(identity, provider.mint({k: v for k, v in good.items() if k != "email"})),
        "no email",
    )
    token = provider.mint(good)
    refused(await exchange(identity, token, subject_token_type="urn:x"), "subject_token_type")
    refused(await exchange(identity, ""), "subject_token is required")
    refused(
        await exchange(
            identity, token, requested_token_type="urn:ietf:params:oauth:token-type:saml2"
        ),
        "requested_token_type",
    )


async def test_a_disabled_principal_gets_no_token(
    identity: IdentityHarness, provider: OidcProvider
) -> None:
    async with identity.client(TOKEN) as bootstrap:
        gone = await new_principal(bootstrap, email="gone@example.cn", role="agent")
    async with identity.pool.acquire() as conn:
        await conn.execute(
            "UPDATE principals SET disabled_at = $2 WHERE principal_id = $1::uuid",
            gone["principal_id"],
            identity.clock(),
        )
    refused(
        await exchange(identity, provider.mint(person(provider, "gone@example.cn"))), "disabled"
    )


async def test_the_exchanged_token_is_one_credential_for_another_service(
    identity: IdentityHarness, provider: OidcProvider, database_url: str, kafka_bootstrap: str
) -> None:
    """Routing, trusting identity (its key set inline), accepts the exchanged token."""
    async with identity.client(TOKEN) as bootstrap:
        await new_principal(bootstrap, email="li.lei@example.cn", role="agent")
    got = await exchange(identity, provider.mint(person(provider, "li.lei@example.cn")))
    assert got.status_code == 200, got.text
    async with identity.anonymous() as client:
        key_set = (await client.get("/.well-known/jwks.json")).text
    async with fresh_schema(database_url, "routing") as (pool, schema):
        routing = routing_harness(
            pool,
            schema,
            kafka_bootstrap=kafka_bootstrap,
            identity_issuer=ISSUER,
            identity_jwks=key_set,
        )
        routing.clock.now = identity.clock()
        async with routing.client(got.json()["access_token"]) as as_agent:
            listed = await as_agent.get("/agents")
        async with routing.client(provider.mint(person(provider, "li.lei@example.cn"))) as raw:
            untrusted = await raw.get("/agents")
    assert listed.status_code == 200, listed.text
    assert untrusted.status_code == 401, "routing trusts identity here, not the provider"
