"""The common verification of one identity (#17), without I/O: settings, the revocation rule,
the key set cache, and how each service sees an identity principal."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from pydantic import ValidationError

from ticketflow_common.access import unverified_claims
from ticketflow_common.access_tokens import ADMIN, caller_of_principal, principal_of_caller
from ticketflow_common.events.common import TEAM_KEY_PATTERN
from ticketflow_common.events.identity import PrincipalChanged
from ticketflow_common.http_documents import FetchFailed
from ticketflow_common.identity import (
    BOOTSTRAP,
    STANDALONE_ADMIN,
    AccessClaims,
    Principal,
    principal_of,
)
from ticketflow_common.key_sets import RemoteKeySet
from ticketflow_common.revocations import Revoked
from ticketflow_intake.domain.access import SYSTEM, identity_of, principal_of_identity
from ticketflow_routing.domain.teams import TEAM_ID_PATTERN
from ticketflow_routing.settings import RoutingSettings

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
AGENT = uuid.uuid4()


def jwk(kid: str) -> dict[str, Any]:
    public: dict[str, Any] = OKPAlgorithm.to_jwk(
        Ed25519PrivateKey.generate().public_key(), as_dict=True
    )
    return {**public, "kid": kid}


def settings(**fields: Any) -> RoutingSettings:
    return RoutingSettings.model_validate(
        {
            "database_url": "postgresql://u@localhost/db",
            "kafka_bootstrap_servers": "localhost:9092",
            "api_token": "a-real-service-token-0123",
            **fields,
        }
    )


def test_identity_is_off_by_default_and_its_key_set_url_follows_the_issuer() -> None:
    assert not settings().identity_configured
    assert settings().identity_key_set_url is None
    found = settings(identity_issuer="https://id.example.com/")
    assert found.identity_configured
    assert found.identity_issuer == "https://id.example.com"
    assert found.identity_key_set_url == "https://id.example.com/.well-known/jwks.json"
    other = settings(identity_issuer="https://id.example.com", identity_jwks_url="http://k:1/j")
    assert other.identity_key_set_url == "http://k:1/j"


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("identity_issuer", "id.example.com", "identity_issuer must be an absolute http"),
        ("identity_issuer", "ftp://id.example.com", "identity_issuer must be an absolute http"),
        ("identity_jwks_url", "https://", "identity_jwks_url must be an absolute http"),
        ("identity_jwks", "{not json", "identity_jwks is not a JSON Web Key Set"),
        ("identity_jwks", '{"keys": "x"}', "identity_jwks is not a JSON Web Key Set"),
        ("identity_jwks", '{"keys": [{"kty": "nope"}]}', "identity_jwks is not a JSON Web Key"),
        ("identity_revocation_refresh_seconds", 0, "identity_revocation_refresh_seconds"),
    ],
)
def test_bad_identity_settings_name_the_field(field: str, value: Any, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        settings(**{field: value})


def test_an_inline_key_set_holding_a_private_key_is_refused() -> None:
    private: dict[str, Any] = OKPAlgorithm.to_jwk(Ed25519PrivateKey.generate(), as_dict=True)
    with pytest.raises(ValidationError, match="private key"):
        settings(identity_jwks=json.dumps({"keys": [private]}))
    assert settings(identity_jwks=json.dumps({"keys": [jwk("k1")]})).identity_jwks


def claims(*, iat: datetime, cid: str | None = "key-1", sub: str = "p-1") -> AccessClaims:
    return AccessClaims(
        iss="https://id",
        sub=sub,
        aud="ticketflow",
        iat=iat.timestamp(),
        exp=int(iat.timestamp()) + 600,
        jti="j",
        cid=cid,
        role="agent",
    )


def test_a_change_after_a_token_was_issued_refuses_it_to_the_millisecond() -> None:
    revoked = Revoked(
        credentials=frozenset({"key-9"}), principals_changed={"p-1": NOW + timedelta(seconds=0.4)}
    )
    assert revoked.refuses(claims(iat=NOW))
    assert revoked.refuses(claims(iat=NOW + timedelta(seconds=0.399)))
    assert revoked.refuses(claims(iat=NOW - timedelta(minutes=5)))
    assert not revoked.refuses(claims(iat=NOW + timedelta(seconds=0.4)))
    assert not revoked.refuses(claims(iat=NOW + timedelta(seconds=0.401)))
    assert not revoked.refuses(claims(iat=NOW, sub="p-2"))
    assert revoked.refuses(claims(iat=NOW + timedelta(hours=1), cid="key-9", sub="p-2"))
    assert not revoked.refuses(claims(iat=NOW, cid=None, sub="p-2"))


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c", "x.y.z.w", "e30.e30.", "eyJ.e30.x"])
def test_a_token_that_is_no_jwt_has_no_claims(token: str) -> None:
    assert unverified_claims(token) == {}


def person(role: Any, **fields: Any) -> Principal:
    return Principal(subject="p-1", role=role, via="access_token", credential_id="c-1", **fields)


def test_intake_sees_leads_as_agents_and_integrators_as_requesters() -> None:
    lead = principal_of_identity(person("lead", agent_id=AGENT))
    assert (lead.role, lead.subject, lead.credential_id) == (
        "agent",
        str(AGENT),
        "access_token:c-1",
    )
    assert principal_of_identity(person("integrator")).role == "requester"
    assert principal_of_identity(person("approver")).role == "approver"
    assert principal_of_identity(BOOTSTRAP) is SYSTEM
    assert principal_of_identity(STANDALONE_ADMIN) is SYSTEM
    assert identity_of(SYSTEM) == STANDALONE_ADMIN
    assert identity_of(principal_of_identity(person("requester"))).role == "requester"


def test_knowledge_and_mail_see_staff_as_agents_and_the_rest_as_requesters() -> None:
    assert caller_of_principal(BOOTSTRAP) == ADMIN
    assert caller_of_principal(person("admin")) == ADMIN
    agent = caller_of_principal(person("agent", agent_id=AGENT))
    assert (agent.role, agent.subject) == ("agent", str(AGENT))
    assert caller_of_principal(person("approver")).role == "requester"
    assert principal_of_caller(ADMIN) == STANDALONE_ADMIN
    legacy = principal_of_caller(agent)
    assert (legacy.role, legacy.agent_id) == ("agent", AGENT)


def test_a_failed_refetch_keeps_the_keys_it_had() -> None:
    answers: list[bytes | FetchFailed] = [
        json.dumps({"keys": [jwk("k1")]}).encode(),
        FetchFailed("GET http://identity/jwks: status 503"),
    ]
    calls: list[str] = []

    async def fetch(url: str) -> bytes:
        calls.append(url)
        answer = answers.pop(0)
        if isinstance(answer, FetchFailed):
            raise answer
        return answer

    now = [0.0]
    source = RemoteKeySet(
        url="http://identity/jwks", fetch=fetch, monotonic=lambda: now[0], min_refetch_seconds=5
    )

    async def run() -> None:
        first = await source.key_set(kid="k1")
        assert first is not None
        assert await source.key_set(kid="k2") is first, "no refetch within 5 s"
        now[0] = 5
        assert await source.key_set(kid="k2") is first, "identity away: the old keys stay"

    asyncio.run(run())
    assert calls == ["http://identity/jwks"] * 2


def test_teams_are_routings_team_ids_in_every_contract() -> None:

    assert TEAM_ID_PATTERN == TEAM_KEY_PATTERN
    base = {"iss": "i", "sub": "s", "aud": "ticketflow", "exp": 2, "iat": 1, "jti": "j"}
    claims = AccessClaims.model_validate(base | {"role": "lead", "teams": ["network", "hw.2"]})
    lead = principal_of(claims)
    assert lead.teams == {"network", "hw.2"}
    assert lead.in_team("network")
    assert not lead.in_team("apps")
    for bad in ("服务台", "Network", "", "a" * 101):
        with pytest.raises(ValidationError):
            AccessClaims.model_validate(base | {"role": "lead", "teams": [bad]})
        with pytest.raises(ValidationError):
            PrincipalChanged.model_validate(
                {
                    "principal_id": str(uuid.uuid4()),
                    "kind": "person",
                    "display_name": "x",
                    "role": "lead",
                    "teams": [bad],
                    "version": 1,
                    "changed_at": NOW.isoformat(),
                }
            )
