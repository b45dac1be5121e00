"""Credentials webhook URLs carry (query tokens as chat webhooks have, `user:pass@`): what may
be shown of such a URL, and how its userinfo is sent (as Basic auth, never in the URL)."""

import base64
from typing import Annotated
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import AfterValidator, Field

from ticketflow_common.url_redaction import MASK, masked_query

# Shorter values are not worth scrubbing out of error texts (they would garble them).
_MIN_SCRUBBED = 4


def _host_part(netloc: str) -> str:
    return netloc.rsplit("@", 1)[-1]


def masked_url(url: str) -> str:
    """The URL as listings, events and mails show it: no userinfo, every query value `***`."""
    parts = urlsplit(url)
    return urlunsplit(
        parts._replace(
            netloc=_host_part(parts.netloc), query=masked_query(parts.query), fragment=""
        )
    )


def basic_authorization(url: str) -> str | None:
    """The `Authorization: Basic` value for the URL's `user:pass@`; None when it has none."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return None
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    if not user and not password:
        return None
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def scrub(text: str, url: str) -> str:
    """`text` (e.g. an HTTP client's error) with every credential of `url` replaced by `***`."""
    parts = urlsplit(url)
    secrets = {parts.username or "", parts.password or ""}
    for piece in parts.query.split("&"):
        secrets.add(piece.split("=", 1)[-1])
    found = {s for raw in secrets for s in (raw, unquote(raw)) if len(s) >= _MIN_SCRUBBED}
    for secret in sorted(found, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


MaskedUrl = Annotated[
    str,
    AfterValidator(masked_url),
    Field(description="Credentials are never shown: userinfo removed, query values `***`."),
]
