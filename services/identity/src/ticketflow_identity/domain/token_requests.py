"""RFC 6749 token requests (§4.4 client credentials): which API key a request presents, or
the OAuth error it earns. The key may come as HTTP Basic `key_id:secret` (§2.3.1), as
`client_id` + `client_secret`, or as `client_secret=tfid_<id>.<secret>` alone."""

import base64
import binascii
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote_plus

from ticketflow_identity.domain.api_keys import KEY_PREFIX, parse_key

CLIENT_CREDENTIALS = "client_credentials"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105
FORM = "application/x-www-form-urlencoded"
MAX_FIELD_CHARS = 4096
OAuthError = Literal[
    "invalid_request", "invalid_client", "invalid_grant", "unsupported_grant_type", "invalid_scope"
]


class TokenRequestError(Exception):
    """Answered as RFC 6749 §5.2 JSON: `error`, `error_description`."""

    def __init__(self, error: OAuthError, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.error: OAuthError = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class ClientCredentials:
    key_id: str
    secret: str
    basic: bool
    """Presented as HTTP Basic (a refusal then answers `WWW-Authenticate: Basic`)."""


def parse_form(body: bytes, content_type: str | None) -> dict[str, str]:
    """The form's fields, each at most once (§3.2: parameters MUST NOT repeat)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if not body and not media:
        return {}
    if media != FORM:
        raise TokenRequestError("invalid_request", f"the request body must be {FORM}")
    try:
        text = body.decode("utf-8")
        fields = parse_qs(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise TokenRequestError("invalid_request", "the form is not valid UTF-8 form data") from exc
    form: dict[str, str] = {}
    for name, values in fields.items():
        if len(values) > 1:
            raise TokenRequestError("invalid_request", f"{name} is given more than once")
        if len(values[0]) > MAX_FIELD_CHARS or "\x00" in values[0]:
            raise TokenRequestError("invalid_request", f"{name} is too long or holds NUL")
        form[name] = values[0]
    return form


def grant_type(form: dict[str, str]) -> str:
    grant = form.get("grant_type")
    if not grant:
        raise TokenRequestError("invalid_request", "grant_type is required")
    return grant


def unsupported(grant: str) -> TokenRequestError:
    return TokenRequestError(
        "unsupported_grant_type",
        f"grant_type {grant[:100]!r} is not supported "
        f"(use {CLIENT_CREDENTIALS} or {TOKEN_EXCHANGE})",
    )


def client_credentials(form: dict[str, str], authorization: str | None) -> ClientCredentials:
    """The API key the request presents, by exactly one method; 401 invalid_client if none."""
    basic = _basic(authorization)
    in_body = "client_secret" in form or "client_id" in form
    if basic is not None and in_body:
        raise TokenRequestError(
            "invalid_request",
            "client_id/client_secret: use HTTP Basic or the form, not both",
        )
    if basic is not None:
        return basic
    secret = form.get("client_secret")
    client_id = form.get("client_id")
    if not secret:
        raise TokenRequestError(
            "invalid_client", "client_secret (or HTTP Basic) is required", status=401
        )
    whole = parse_key(secret)
    if whole is not None:
        key_id, raw = whole
        if client_id and _key_id(client_id) != key_id:
            raise TokenRequestError("invalid_request", "client_id does not match client_secret")
        return ClientCredentials(key_id=key_id, secret=raw, basic=False)
    if not client_id:
        raise TokenRequestError(
            "invalid_request",
            "client_id is required unless client_secret is a whole tfid_ key",
        )
    return ClientCredentials(key_id=_key_id(client_id), secret=secret, basic=False)


def _key_id(client_id: str) -> str:
    return client_id.removeprefix(KEY_PREFIX)


def _basic(authorization: str | None) -> ClientCredentials | None:
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise TokenRequestError(
            "invalid_client", "Authorization: only the Basic scheme is accepted", status=401
        )
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise TokenRequestError(
            "invalid_request", "Authorization: Basic credentials are not valid base64"
        ) from exc
    user, colon, password = decoded.partition(":")
    if not colon or not user or not password:
        raise TokenRequestError(
            "invalid_request", "Authorization: Basic credentials must be key_id:secret"
        )
    # §2.3.1: the id and secret are form-urlencoded before they are joined.
    return ClientCredentials(
        key_id=_key_id(unquote_plus(user)), secret=unquote_plus(password), basic=True
    )
