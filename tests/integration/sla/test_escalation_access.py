"""A lead changes the escalation policies of their teams only; one naming no team is the
admins' (#17)."""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.clock import FakeClock
from tests.support.harness import harness_runtime
from tests.support.identity_tokens import IDENTITY_SETTINGS, access_token, bearer
from tests.support.schemas import fresh_schema
from ticketflow_common.service_main import build_app
from ticketflow_sla.main import SPEC
from ticketflow_sla.settings import SlaSettings

pytestmark = pytest.mark.integration
TEAM, OTHER = "network", "service-desk"
CLOCK = FakeClock()
LEVELS = [{"delay_seconds": 900, "targets": [{"kind": "owner"}]}]


@pytest.fixture
async def api(database_url: str, kafka_bootstrap: str) -> AsyncIterator[httpx.AsyncClient]:
    async with fresh_schema(database_url, "sla") as (pool, _schema):
        settings = SlaSettings(
            database_url=database_url,
            kafka_bootstrap_servers=kafka_bootstrap,
            api_token="sla-token-" + uuid.uuid4().hex,
            auth_failure_limit=10_000,
            **IDENTITY_SETTINGS,
        )
        runtime = harness_runtime(
            service="sla",
            settings=settings,
            pool=pool,
            clock=CLOCK,
            kafka_bootstrap=kafka_bootstrap,
        )
        transport = httpx.ASGITransport(app=build_app(SPEC, runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://sla") as client:
            yield client


def lead_of(team: str) -> dict[str, str]:
    return bearer(access_token("lead", teams=[team], now=CLOCK()))


ADMIN = bearer(access_token("admin", now=CLOCK()))


async def test_a_lead_changes_only_their_teams_escalation_policies(
    api: httpx.AsyncClient,
) -> None:
    lead = lead_of(TEAM)
    mine = {"levels": LEVELS, "team": TEAM}
    assert (await api.put("/escalation-policies/mine", json=mine, headers=lead)).status_code == 200
    theirs = {"levels": LEVELS, "team": OTHER}
    assert (
        await api.put("/escalation-policies/theirs", json=theirs, headers=lead)
    ).status_code == 403
    assert (
        await api.put("/escalation-policies/theirs", json=theirs, headers=ADMIN)
    ).status_code == 200
    # Theirs stays theirs: not overwritten, not moved to the lead's team, not archived.
    assert (
        await api.put("/escalation-policies/theirs", json=mine, headers=lead)
    ).status_code == 403
    assert (await api.delete("/escalation-policies/theirs", headers=lead)).status_code == 403
    # Mine cannot be given away either.
    assert (
        await api.put("/escalation-policies/mine", json=theirs, headers=lead)
    ).status_code == 403
    untagged = {"levels": LEVELS}
    assert (
        await api.put("/escalation-policies/default", json=untagged, headers=lead)
    ).status_code == 403
    assert (await api.delete("/escalation-policies/mine", headers=lead)).status_code == 204
