"""SLA's HTTP semantics: authentication before the body, 413, HEAD, and 404 for a ticket SLA
has never heard of, like intake's and routing's ticket reads."""

import uuid
from collections.abc import AsyncIterator

import pytest

from tests.integration.http_semantics import CHECKS, Check, Http, Target, http_for
from tests.integration.sla.conftest import TOKEN, SlaHarness

pytestmark = pytest.mark.integration


@pytest.fixture
async def http(sla: SlaHarness) -> AsyncIterator[Http]:
    """The app as the service process builds it, on conftest's runtime and clock."""
    http = http_for(sla.spec, sla.runtime, TOKEN)
    async with http.client:
        yield http


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
async def test_shared_http_semantics(sla: SlaHarness, http: Http, check: Check) -> None:
    created = sla.created(priority="urgent")
    await sla.deliver(created)
    await check(http, Target(("PUT", "/policies/vip"), "/policies"))
    await check(http, Target(("PUT", "/calendars/office"), f"/tickets/{created.ticket_id}/sla"))


async def test_the_clocks_of_an_unknown_ticket_are_404(sla: SlaHarness, http: Http) -> None:
    unknown = await http.client.get(f"/tickets/{uuid.uuid4()}/sla", headers=http.auth)
    assert unknown.status_code == 404, unknown.text
    assert unknown.headers["content-type"] == "application/problem+json"
    assert "not known to sla" in unknown.json()["detail"]

    created = sla.created(priority="urgent")
    await sla.deliver(created)
    known = await http.client.get(f"/tickets/{created.ticket_id}/sla", headers=http.auth)
    assert known.status_code == 200
    assert {c["metric"] for c in known.json()["items"]} >= {"first_response", "resolution"}
