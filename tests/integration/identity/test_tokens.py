"""`POST /token`: an API key becomes an EdDSA access token every service verifies against the
published key set; refusals are RFC 6749 errors naming what was wrong, never a 500."""

import base64

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.integration.identity.conftest import (
    ISSUER,
    Admin,
    IdentityHarness,
    new_key,
    new_principal,
)
from ticketflow_common.identity import AccessClaims, principal_of, sign_access_token


async def test_a_key_becomes_an_access_token_the_key_set_verifies(
    identity: IdentityHarness, admin: Admin
) -> None:
    team = "7b1e4d2a-0000-4000-8000-000000000001"
    agent = "7b1e4d2a-0000-4000-8000-0000000000a1"
    person = await new_principal(admin.api, role="lead", agent_id=agent, teams=[team])
    key = await new_key(admin.api, person["principal_id"])
    assert key["token"].startswith(f"tfid_{key['key_id']}.")

    response = await identity.exchange(key["token"])
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "EdDSA"
    assert header["typ"] == "at+jwt"

    claims = await identity.verify(body["access_token"])
    assert claims is not None
    assert claims.iss == ISSUER
    assert claims.sub == person["principal_id"]
    assert claims.cid == key["key_id"]
    assert claims.exp - claims.iat == 600
    principal = principal_of(claims)
    assert principal.role == "lead"
    assert str(principal.agent_id) == agent
    assert {str(t) for t in principal.teams} == {team}


async def test_every_accepted_credential_form(identity: IdentityHarness, admin: Admin) -> None:
    key = await new_key(admin.api, admin.principal_id)
    key_id, secret = key["token"].removeprefix("tfid_").split(".", 1)
    basic = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
    async with identity.anonymous() as client:
        for kwargs in (
            {
                "data": {
                    "grant_type": "client_credentials",
                    "client_id": key_id,
                    "client_secret": secret,
                }
            },
            {
                "data": {"grant_type": "client_credentials"},
                "headers": {"Authorization": f"Basic {basic}"},
            },
            {"data": {"grant_type": "client_credentials", "client_secret": key["token"]}},
        ):
            response = await client.post("/token", **kwargs)
            assert response.status_code == 200, (kwargs, response.text)
            assert await identity.verify(response.json()["access_token"]) is not None


async def test_a_wrong_secret_or_unknown_key_is_invalid_client(
    identity: IdentityHarness, admin: Admin
) -> None:
    key_id = admin.key_id
    for secret in (f"tfid_{key_id}.wrong", "tfid_0000000000000000.wrong"):
        response = await identity.exchange(secret)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert "WWW-Authenticate" in response.headers


async def test_malformed_requests_name_the_field(identity: IdentityHarness) -> None:
    async with identity.anonymous() as client:
        cases: list[tuple[dict[str, object], int, str, str]] = [
            ({"data": {}}, 400, "invalid_request", "grant_type"),
            ({"data": {"grant_type": "password"}}, 400, "unsupported_grant_type", "grant_type"),
            ({"json": {"grant_type": "client_credentials"}}, 400, "invalid_request", "form"),
            (
                {"data": {"grant_type": "client_credentials"}},
                401,
                "invalid_client",
                "client_secret",
            ),
            (
                {"data": {"grant_type": "client_credentials", "client_secret": "x"}},
                400,
                "invalid_request",
                "client_id",
            ),
            (
                {
                    "content": b"grant_type=a&grant_type=b",
                    "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                },
                400,
                "invalid_request",
                "grant_type",
            ),
            (
                {
                    "data": {"grant_type": "client_credentials"},
                    "headers": {"Authorization": "Basic !!!"},
                },
                400,
                "invalid_request",
                "Authorization",
            ),
        ]
        for kwargs, status, error, named in cases:
            response = await client.post("/token", **kwargs)  # type: ignore[arg-type]
            assert response.status_code == status, (kwargs, response.text)
            body = response.json()
            assert body["error"] == error, (kwargs, body)
            assert named in body["error_description"], (kwargs, body)


async def test_failures_count_against_the_failed_authentication_limit(
    identity: IdentityHarness, admin: Admin
) -> None:
    identity.runtime.settings = identity.settings.model_copy(update={"auth_failure_limit": 2})
    async with identity.anonymous() as client:
        codes = []
        for _ in range(4):
            response = await client.post(
                "/token",
                data={
                    "grant_type": "client_credentials",
                    "client_secret": f"tfid_{admin.key_id}.x",
                },
            )
            codes.append(response.status_code)
        assert codes[-1] == 429, codes
        good = await client.post(
            "/token", data={"grant_type": "client_credentials", "client_secret": admin.key}
        )
        assert good.status_code == 429


async def test_a_scope_narrows_never_widens(identity: IdentityHarness, admin: Admin) -> None:
    key = await new_key(admin.api, admin.principal_id, scopes=["tickets:read", "tickets:write"])
    plain = await identity.exchange(key["token"])
    assert plain.json()["scope"] == "tickets:read tickets:write"
    narrow = await identity.exchange(key["token"], scope="tickets:read")
    assert narrow.status_code == 200
    assert narrow.json()["scope"] == "tickets:read"
    claims = await identity.verify(narrow.json()["access_token"])
    assert claims is not None
    assert claims.scope == "tickets:read"
    wide = await identity.exchange(key["token"], scope="admin:all")
    assert wide.status_code == 400
    assert wide.json()["error"] == "invalid_scope"


async def test_the_discovery_documents_are_open(identity: IdentityHarness) -> None:
    async with identity.anonymous() as client:
        config = await client.get("/.well-known/openid-configuration")
        jwks = await client.get("/.well-known/jwks.json")
        closed = await client.get("/principals")
    assert config.status_code == 200
    assert config.json()["issuer"] == ISSUER
    assert config.json()["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert config.json()["token_endpoint"] == f"{ISSUER}/token"
    assert config.json()["id_token_signing_alg_values_supported"] == ["EdDSA"]
    assert jwks.status_code == 200
    assert "max-age=" in jwks.headers["cache-control"]
    [key] = jwks.json()["keys"]
    assert (key["kty"], key["crv"]) == ("OKP", "Ed25519")
    assert "d" not in key
    assert closed.status_code == 401


async def test_the_service_token_only_bootstraps(
    bootstrap_api: httpx.AsyncClient, admin: Admin
) -> None:
    assert (await bootstrap_api.get("/principals")).status_code == 403
    assert (await bootstrap_api.get(f"/principals/{admin.principal_id}/keys")).status_code == 403
    assert (await bootstrap_api.post("/signing-keys/rotate")).status_code == 403
    assert (await bootstrap_api.delete(f"/keys/{admin.key_id}")).status_code == 403
    me = await bootstrap_api.get("/me")
    assert me.status_code == 200
    assert me.json()["role"] == "bootstrap"


async def test_identity_refuses_tokens_it_did_not_sign(
    identity: IdentityHarness, admin: Admin
) -> None:
    real = await identity.access_token(admin.key)
    claims = await identity.verify(real)
    assert claims is not None
    kid = jwt.get_unverified_header(real)["kid"]
    forged = sign_access_token(claims=claims, private_key=Ed25519PrivateKey.generate(), kid=kid)
    signing_kid, private_key = await _signer(identity)
    elsewhere = AccessClaims(**{**claims.model_dump(), "iss": "http://elsewhere"})
    foreign = sign_access_token(claims=elsewhere, private_key=private_key, kid=signing_kid)
    for token in (forged, foreign, real + "x", real.replace(".", ".x", 1)):
        async with identity.client(token) as client:
            assert (await client.get("/me")).status_code == 401
    async with identity.client(real) as client:
        assert (await client.head("/.well-known/jwks.json")).status_code == 200
        assert (await client.get("/me")).status_code == 200


async def _signer(identity: IdentityHarness) -> tuple[str, Ed25519PrivateKey]:
    from ticketflow_identity.commands.signing_keys import signing_key

    async with identity.pool.acquire() as conn:
        return await signing_key(conn=conn, settings=identity.settings, now=identity.clock())
