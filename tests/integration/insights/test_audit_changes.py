"""A team's targets changed through the API land in insights' audit log with actor, address and
before/after."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.integration.insights.conftest import InsightsHarness
from tests.support.audit import actions, assert_recorded_by_a_client, audit_entries
from tests.support.insights_scorecards import Facts, at, seed_facts

pytestmark = pytest.mark.integration


@pytest.fixture
async def facts(insights: InsightsHarness) -> AsyncIterator[Facts]:
    insights.clock.now = at(2, 12)
    async with insights.pool.acquire() as conn:
        yield await seed_facts(conn)


async def test_target_changes_are_audited(api: httpx.AsyncClient, facts: Facts) -> None:
    assert (await api.put("/targets/network", json={"csat_share": 0.8})).status_code == 200
    assert (await api.put("/targets/network", json={"csat_share": None})).status_code == 200
    assert (await api.put("/targets/nowhere", json={"csat_share": 0.8})).status_code == 404

    entries = await audit_entries(api, entity="insights.targets")
    assert actions(entries) == ["updated", "updated"]
    assert {e["entity_id"] for e in entries} == {"network"}
    assert_recorded_by_a_client(entries[0])
    first = {c["path"]: (c["before"], c["after"]) for c in entries[0]["changes"]}
    assert first["targets.csat_share"][1] == 0.8
    assert entries[0]["before"]["overridden"] == []
    assert entries[0]["after"]["overridden"] == ["csat_share"]
    assert entries[1]["after"]["overridden"] == []
