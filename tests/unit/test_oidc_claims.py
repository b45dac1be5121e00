"""Single sign-on's claim mapping: dotted paths, lists or strings, the highest mapped role."""

from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from ticketflow_common.events.identity import IdentityRole
from ticketflow_common.oidc_claims import claim_at, role_of, uuids_of, values_of
from ticketflow_common.oidc_settings import ROLE_RANK, OidcSettings

KEYCLOAK = {
    "sub": "f:1",
    "realm_access": {"roles": ["offline_access", "desk-agent"]},
    "resource_access": {"desk.app": {"roles": ["lead"]}, "account": {"roles": ["view"]}},
}


def test_a_dotted_path_reaches_nested_claims() -> None:
    assert claim_at(KEYCLOAK, "realm_access.roles") == ["offline_access", "desk-agent"]
    assert claim_at(KEYCLOAK, "sub") == "f:1"
    assert claim_at(KEYCLOAK, "realm_access.missing") is None
    assert claim_at(KEYCLOAK, "sub.deeper") is None


def test_names_holding_dots_are_found_whole() -> None:
    assert claim_at(KEYCLOAK, "resource_access.desk.app.roles") == ["lead"]
    auth0 = {"https://ticketflow.example/roles": ["Desk Admins"]}
    assert claim_at(auth0, "https://ticketflow.example/roles") == ["Desk Admins"]


@pytest.mark.parametrize(
    ("claim", "values"),
    [
        ("agents", ["agents"]),
        (["a", "b"], ["a", "b"]),
        ("agents, leads", ["agents, leads"]),
        ("", []),
        (None, []),
        (True, []),
        (7, ["7"]),
        ({"a": 1}, []),
        (["a", ["nested"], 3], ["a", "3"]),
    ],
)
def test_values_of_lists_and_strings(claim: Any, values: list[str]) -> None:
    assert values_of(claim) == values


ROLE_MAP: dict[str, IdentityRole] = {
    "desk-agent": "agent",
    "客服组长": "lead",
    "审批人": "approver",
    "Desk Admins": "admin",
    "employees": "requester",
}


def test_the_most_privileged_mapped_role_wins() -> None:
    claims = {"groups": ["employees", "审批人", "客服组长", "unrelated"]}
    assert role_of(claims, claim="groups", role_map=ROLE_MAP) == "lead"
    assert role_of({"groups": ["employees"]}, claim="groups", role_map=ROLE_MAP) == "requester"
    assert role_of(KEYCLOAK, claim="realm_access.roles", role_map=ROLE_MAP) == "agent"


def test_chinese_group_names_match_exactly() -> None:
    assert role_of({"groups": "客服组长"}, claim="groups", role_map=ROLE_MAP) == "lead"
    assert role_of({"groups": ["客服"]}, claim="groups", role_map=ROLE_MAP) is None
    assert role_of({"groups": ["客服组长 "]}, claim="groups", role_map=ROLE_MAP) is None


def test_nothing_mapped_is_no_role() -> None:
    assert role_of({"groups": ["desk-admins"]}, claim="groups", role_map=ROLE_MAP) is None
    assert role_of({}, claim="groups", role_map=ROLE_MAP) is None
    assert role_of({"groups": ["Desk Admins"]}, claim="groups", role_map={}) is None


def test_uuids_of_ignores_other_values() -> None:
    team = uuid4()
    assert uuids_of([str(team), "support", 3]) == [team]
    assert uuids_of(str(team)) == [team]
    assert uuids_of(None) == []


def test_every_role_has_a_rank() -> None:
    assert sorted(ROLE_RANK) == sorted(IdentityRole.__args__)  # type: ignore[attr-defined]


def settings(**values: Any) -> OidcSettings:
    return OidcSettings(**{"oidc_issuer": "https://idp.example/realms/x", **values})


@pytest.mark.parametrize("alg", ["none", "HS256", "HS512", "EdDSA2"])
def test_symmetric_or_no_signature_algorithms_are_refused(alg: str) -> None:
    with pytest.raises(ValidationError, match="oidc_algorithms"):
        settings(oidc_audience="tf", oidc_algorithms=[alg])


def test_an_issuer_needs_an_audience_and_https() -> None:
    with pytest.raises(ValidationError, match="oidc_audience"):
        settings()
    with pytest.raises(ValidationError, match="https"):
        settings(oidc_issuer="http://idp.example", oidc_audience="tf")
    with pytest.raises(ValidationError, match="oidc_role_map"):
        settings(oidc_audience="tf", oidc_role_map={"x": "superuser"})
    assert settings(oidc_audience="tf").oidc_algorithms == ("RS256", "ES256")


def test_the_role_map_is_read_from_json(monkeypatch: pytest.MonkeyPatch) -> None:
    from ticketflow_routing.settings import RoutingSettings

    monkeypatch.setenv("ROUTING_DATABASE_URL", "postgresql://u:p@127.0.0.1:5432/db")
    monkeypatch.setenv("ROUTING_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    monkeypatch.setenv("ROUTING_API_TOKEN", "a-real-token-of-enough-length")
    monkeypatch.setenv("ROUTING_OIDC_ISSUER", "https://login.microsoftonline.com/t/v2.0")
    monkeypatch.setenv("ROUTING_OIDC_AUDIENCE", "api://ticketflow")
    monkeypatch.setenv("ROUTING_OIDC_ROLE_MAP", '{"客服组长": "lead", "Desk.Admin": "admin"}')
    monkeypatch.setenv("ROUTING_OIDC_ALGORITHMS", '["RS256"]')
    got = RoutingSettings()
    assert got.oidc_role_map == {"客服组长": "lead", "Desk.Admin": "admin"}
    assert got.oidc_algorithms == ("RS256",)
