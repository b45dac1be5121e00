"""RFC 6749 token requests: each credential form, and the error each malformed one earns."""

import base64

import pytest

from ticketflow_identity.domain.token_requests import (
    TokenRequestError,
    client_credentials,
    grant_type,
    parse_form,
)

FORM = "application/x-www-form-urlencoded"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_the_three_forms_name_the_same_key() -> None:
    forms = [
        client_credentials({"client_id": "abc", "client_secret": "s3"}, None),
        client_credentials({"client_secret": "tfid_abc.s3"}, None),
        client_credentials({"client_id": "tfid_abc", "client_secret": "tfid_abc.s3"}, None),
        client_credentials({}, basic("abc", "s3")),
        client_credentials({}, basic("tfid_abc", "s3")),
    ]
    assert {(c.key_id, c.secret) for c in forms} == {("abc", "s3")}
    assert [c.basic for c in forms] == [False, False, False, True, True]


def test_basic_credentials_are_form_decoded() -> None:
    assert client_credentials({}, basic("a%2Bb", "x%3Ay")).secret == "x:y"


@pytest.mark.parametrize(
    ("form", "authorization", "error", "named"),
    [
        ({}, None, "invalid_client", "client_secret"),
        ({"client_secret": "plain"}, None, "invalid_request", "client_id"),
        (
            {"client_id": "other", "client_secret": "tfid_abc.s"},
            None,
            "invalid_request",
            "client_id",
        ),
        ({"client_secret": "x"}, basic("a", "b"), "invalid_request", "not both"),
        ({}, "Bearer abc", "invalid_client", "Basic"),
        ({}, "Basic ???", "invalid_request", "base64"),
        ({}, basic("nocolon", ""), "invalid_request", "key_id:secret"),
    ],
)
def test_refusals(form: dict[str, str], authorization: str | None, error: str, named: str) -> None:
    with pytest.raises(TokenRequestError) as refused:
        client_credentials(form, authorization)
    assert refused.value.error == error
    assert named in refused.value.description


def test_the_form_is_form_encoded_once_per_field() -> None:
    assert parse_form(b"grant_type=client_credentials&scope=a+b", FORM) == {
        "grant_type": "client_credentials",
        "scope": "a b",
    }
    assert parse_form(b"", None) == {}
    for body, content_type, named in (
        (b'{"grant_type": "x"}', "application/json", FORM),
        (b"a=1&a=2", FORM, "a is given more than once"),
        (b"a=%ff", f"{FORM}; charset=utf-8", "UTF-8"),
    ):
        with pytest.raises(TokenRequestError) as refused:
            parse_form(body, content_type)
        assert named in refused.value.description


def test_grant_type_is_required() -> None:
    with pytest.raises(TokenRequestError, match="grant_type is required"):
        grant_type({})
