"""Intake's HTTP semantics: the shared ones (authentication before the body, 413, HEAD, JSON
errors) and RFC 9110 `If-Match` on every change of a ticket, optionally required (428)."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from tests.integration.http_semantics import CHECKS, Check, Http, Target, http_for
from tests.integration.intake.conftest import SYSTEM_TOKEN, IntakeApi, Keys, ticket_body

pytestmark = pytest.mark.integration
HttpFactory = Callable[..., AbstractAsyncContextManager[Http]]


@pytest.fixture
def intake_http(api: IntakeApi) -> HttpFactory:
    """Intake's app as its process builds it, on the test's schema, with `overrides` set."""

    @asynccontextmanager
    async def make(**overrides: Any) -> AsyncIterator[Http]:
        harness = api.replica(**overrides).harness
        http = http_for(harness.spec, harness.runtime, SYSTEM_TOKEN)
        async with http.client:
            yield http

    return make


async def file(http: Http, token: str | None = None) -> tuple[str, str]:
    auth = {"Authorization": f"Bearer {token}"} if token else http.auth
    filed = await http.client.post("/tickets", json=ticket_body("u-http"), headers=auth)
    assert filed.status_code == 201, filed.text
    return filed.json()["id"], filed.headers["etag"]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
async def test_shared_http_semantics(intake_http: HttpFactory, check: Check) -> None:
    async with intake_http() as http:
        ticket_id, _ = await file(http)
        await check(http, Target(("POST", "/tickets"), "/tickets"))
        await check(http, Target(("PATCH", f"/tickets/{ticket_id}"), f"/tickets/{ticket_id}"))
        await check(http, Target(("POST", f"/tickets/{ticket_id}/comments"), "/categories"))


async def test_head_of_a_ticket_carries_its_etag_and_hides_others_tickets(
    intake_http: HttpFactory, keys: Keys
) -> None:
    async with intake_http() as http:
        ticket_id, etag = await file(http)
        head = await http.client.head(f"/tickets/{ticket_id}", headers=http.auth)
        assert head.headers["etag"] == etag
        requester = {"Authorization": f"Bearer {keys.requester}"}
        assert (
            await http.client.head(f"/tickets/{ticket_id}", headers=requester)
        ).status_code == 404


async def test_an_api_key_is_checked_before_the_body(intake_http: HttpFactory) -> None:
    async with intake_http() as http:
        for token in ("tfk_nope.nope", "not-a-key"):
            answer = await http.client.post(
                "/tickets",
                content=b'{"subject": ',
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            assert answer.status_code == 401, answer.text
            assert answer.json()["detail"] == "a valid API key is required"


async def patch(
    http: Http, ticket_id: str, if_match: list[str] | None, **fields: Any
) -> httpx.Response:
    headers = [(k, v) for k, v in http.auth.items()] + [("If-Match", v) for v in if_match or []]
    return await http.client.patch(
        f"/tickets/{ticket_id}", json=fields or {"priority": "high"}, headers=headers
    )


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        (['"1"'], 200),
        (['  "1"\t'], 200),
        (["*"], 200),
        (['"7", "1"'], 200),
        (['"7",,  "1" ,'], 200),
        (['"7"', '"1"'], 200),
        (['W/"1"'], 412),
        (['W/"7", W/"1"'], 412),
        (['"7"'], 412),
        (['"7"', 'W/"1"'], 412),
    ],
)
async def test_if_match_compares_strongly_and_a_list_matches_if_any_tag_does(
    intake_http: HttpFactory, if_match: list[str], status: int
) -> None:
    async with intake_http() as http:
        ticket_id, _ = await file(http)
        answer = await patch(http, ticket_id, if_match)
        current = await http.client.get(f"/tickets/{ticket_id}", headers=http.auth)
    assert answer.status_code == status, answer.text
    if status == 412:
        assert answer.json()["current_version"] == 1
        assert answer.headers["etag"] == '"1"'
        assert current.json()["version"] == 1
    else:
        assert answer.headers["etag"] == current.headers["etag"] == '"2"'


@pytest.mark.parametrize("if_match", ["1", '"1', '"1" "2"', '*, "1"', ",", 'w/"1"'])
async def test_a_malformed_if_match_is_named(intake_http: HttpFactory, if_match: str) -> None:
    async with intake_http() as http:
        ticket_id, _ = await file(http)
        answer = await patch(http, ticket_id, [if_match])
        current = await http.client.get(f"/tickets/{ticket_id}", headers=http.auth)
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["header:If-Match"]
    assert current.json()["version"] == 1


async def test_if_match_can_be_required_on_every_change(
    intake_http: HttpFactory, keys: Keys
) -> None:
    async with intake_http(require_if_match=True) as http:
        ticket_id, etag = await file(http)
        missing = await patch(http, ticket_id, None)
        assert missing.status_code == 428, missing.text
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.headers["etag"] == etag
        status = await http.client.post(
            f"/tickets/{ticket_id}/status", json={"status": "open"}, headers=http.auth
        )
        assert status.status_code == 428, status.text
        unchanged = await http.client.get(f"/tickets/{ticket_id}", headers=http.auth)
        assert unchanged.json()["version"] == 1
        assert unchanged.json()["status"] == "new"

        assert (await patch(http, ticket_id, [etag])).status_code == 200
        unknown = await patch(http, "00000000-0000-0000-0000-00000000abcd", None)
        assert unknown.status_code == 404, unknown.text
        # Filing a ticket and replying are not changes of an existing version.
        comment = await http.client.post(
            f"/tickets/{ticket_id}/comments", json={"body": "hello"}, headers=http.auth
        )
        assert comment.status_code == 201, comment.text
    async with intake_http() as optional:
        assert (await patch(optional, ticket_id, None)).status_code == 200
