"""HTTP semantics every service shares (issue #12 item 4), as checks each service's tests run
against its own app: authentication before the body, 413 for chunked bodies, HEAD, JSON errors."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import ServiceSpec, build_app

MALFORMED = b'{"name": "x",, }'


@dataclass
class Http:
    """A service's app in-process: `client` sends no credential unless `auth` is added."""

    app: FastAPI
    client: httpx.AsyncClient
    auth: dict[str, str]
    max_body_bytes: int


def http_for(spec: ServiceSpec[Any], runtime: Runtime[Any], token: str) -> Http:
    """The app exactly as the service process builds it."""
    app = build_app(spec, runtime)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc")
    return Http(app, client, {"Authorization": f"Bearer {token}"}, spec.max_body_bytes)


Write = tuple[str, str]
"""A method and path that take a JSON body."""


@dataclass(frozen=True)
class Target:
    """Where to check a service: one write taking a JSON body, one read."""

    write: Write
    read: str


async def unauthenticated_bodies_are_refused_unread(http: Http, target: Target) -> None:
    """Malformed or invalid, a body from an unknown caller gets 401 and no parser detail."""
    for body, content_type in [
        (MALFORMED, "application/json"),
        (b'{"unexpected": [1, 2, 3]}', "application/json"),
        (b"\x00\xff not json", "application/json"),
    ]:
        for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}):
            answer = await http.client.request(
                *target.write, content=body, headers={"Content-Type": content_type, **headers}
            )
            assert answer.status_code == 401, (target.write, body, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.headers["www-authenticate"] == "Bearer"
            assert "errors" not in answer.json(), answer.text
            assert "JSON" not in answer.text


async def malformed_json_names_the_body(http: Http, target: Target) -> None:
    """An authenticated malformed body: field `body`, a reason a person reads, no offset."""
    answer = await http.client.request(
        *target.write, content=MALFORMED, headers={"Content-Type": "application/json", **http.auth}
    )
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert [e["field"] for e in errors] == ["body"], errors
    assert errors[0]["reason"].startswith("is not valid JSON: "), errors
    assert "(line 1, column 14)" in errors[0]["reason"], errors


async def _chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        chunk = min(size, total - sent)
        sent += chunk
        yield b" " * chunk


async def chunked_body_over_the_limit_is_413(http: Http, target: Target) -> None:
    """No Content-Length, streamed in chunks past the limit: 413 problem, not 400."""
    answer = await http.client.request(
        *target.write,
        content=_chunks(http.max_body_bytes + 1),
        headers={"Content-Type": "application/json", **http.auth},
    )
    assert "content-length" not in answer.request.headers
    assert answer.request.headers["transfer-encoding"] == "chunked"
    assert answer.status_code == 413, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert str(http.max_body_bytes) in answer.json()["detail"]
    declared = await http.client.request(
        *target.write,
        content=b" " * (http.max_body_bytes + 1),
        headers={"Content-Type": "application/json", **http.auth},
    )
    assert declared.status_code == 413, declared.text


def _without_rate_limit(headers: httpx.Headers) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k != "ratelimit"}


async def head_answers_like_get(http: Http, target: Target) -> None:
    """HEAD: the GET's status and headers (Content-Length included), no content; with the same
    credentials as GET, and on the open paths without any."""
    for path, headers in [(target.read, http.auth), ("/healthz", {}), ("/metrics", {})]:
        got = await http.client.get(path, headers=headers)
        head = await http.client.head(path, headers=headers)
        assert head.status_code == got.status_code == 200, (path, head.status_code, got.text)
        assert head.content == b""
        if path != "/metrics":  # its counters move between the two requests
            # HEAD is a request of its own: it spends from the same rate limit as the GET.
            assert _without_rate_limit(head.headers) == _without_rate_limit(got.headers), path
            assert int(head.headers["content-length"]) == len(got.content)
    assert (await http.client.head(target.read)).status_code == 401


async def head_is_not_an_operation_of_its_own(http: Http, target: Target) -> None:
    """HEAD is implied by GET (RFC 9110): OpenAPI, hence schemathesis, lists only the GETs."""
    openapi = (await http.client.get("/openapi.json")).json()
    methods = {m for operations in openapi["paths"].values() for m in operations}
    assert "head" not in methods
    assert "get" in openapi["paths"][_template_of(openapi, target.read)]


def _template_of(openapi: dict[str, Any], path: str) -> str:
    parts = path.split("/")
    for template in openapi["paths"]:
        pieces = template.split("/")
        if len(pieces) == len(parts) and all(
            p == q or p.startswith("{") for p, q in zip(pieces, parts, strict=True)
        ):
            return str(template)
    raise AssertionError(f"{path} is not in the OpenAPI document")


Check = Callable[[Http, Target], Awaitable[None]]
CHECKS: list[Check] = [
    unauthenticated_bodies_are_refused_unread,
    malformed_json_names_the_body,
    chunked_body_over_the_limit_is_413,
    head_answers_like_get,
    head_is_not_an_operation_of_its_own,
]
"""Every shared check; a service's tests run each against its own targets."""
