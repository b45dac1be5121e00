"""The facts' API: arrivals summed into 15/30/60-minute intervals, one ticket's durations, and
who may see them."""

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.integration.insights.conftest import InsightsHarness
from tests.support.clock import MONDAY
from tests.support.insights import TOKEN
from tests.support.insights_facts import facts_history
from ticketflow_common.service_main import build_app
from ticketflow_insights.api.deps import get_viewer
from ticketflow_insights.domain.access import Viewer

pytestmark = pytest.mark.integration


async def arrive(insights: InsightsHarness, minutes: list[int], **dims: Any) -> None:
    for m in minutes:
        await insights.deliver(insights.created(created_at=MONDAY + timedelta(minutes=m), **dims))


def as_viewer(insights: InsightsHarness, viewer: Viewer) -> httpx.AsyncClient:
    app = build_app(insights.spec, insights.runtime)
    app.dependency_overrides[get_viewer] = lambda: viewer
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://insights",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )


@pytest.fixture
async def lead(insights: InsightsHarness) -> AsyncIterator[httpx.AsyncClient]:
    viewer = Viewer(role="lead", agent_id=uuid.uuid4(), led_teams=frozenset({"network"}))
    async with as_viewer(insights, viewer) as client:
        yield client


async def test_arrivals_are_sums_of_buckets_zeros_included(
    insights: InsightsHarness, api: httpx.AsyncClient
) -> None:
    await arrive(insights, [0, 14, 16, 31, 59, 61])
    await arrive(insights, [5], team="apps", channel="email")
    params = {"from": MONDAY.isoformat(), "to": (MONDAY + timedelta(hours=2)).isoformat()}

    thirty = await api.get("/arrivals", params={**params, "interval": 30})
    assert thirty.status_code == 200, thirty.text
    body = thirty.json()
    assert [i["arrivals"] for i in body["intervals"]] == [4, 2, 1, 0]
    assert body["total"] == 7

    hourly = await api.get("/arrivals", params={**params, "interval": 60, "team": "network"})
    assert [i["arrivals"] for i in hourly.json()["intervals"]] == [5, 1]

    quarter = await api.get("/arrivals", params={**params, "interval": 15, "channel": "email"})
    assert [i["arrivals"] for i in quarter.json()["intervals"]] == [1, 0, 0, 0, 0, 0, 0, 0]


async def test_arrivals_grouped_by_dimensions(
    insights: InsightsHarness, api: httpx.AsyncClient
) -> None:
    await arrive(insights, [0, 20])
    await arrive(insights, [10], team="apps", channel="email", category=None)
    answer = await api.get(
        "/arrivals",
        params={
            "interval": 60,
            "from": MONDAY.isoformat(),
            "to": (MONDAY + timedelta(hours=1)).isoformat(),
            "group_by": "team,category",
        },
    )
    assert answer.status_code == 200, answer.text
    rows = [
        (i["team"], i["category"], i["channel"], i["arrivals"]) for i in answer.json()["intervals"]
    ]
    assert rows == [("apps", "", None, 1), ("network", "vpn", None, 2)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"interval": 20}, "query:interval"),
        ({"interval": "x"}, "query.interval"),
        ({"from": "2025-06-02T12:00:00Z", "to": "2025-06-02T10:00:00Z"}, "query:from"),
        ({"from": "2025-06-02T12:00:00", "to": "2025-06-02T13:00:00Z"}, "query:from"),
        ({"from": "2020-01-01T00:00:00Z", "to": "2025-06-02T13:00:00Z"}, "query:from"),
        ({"group_by": "team,colour"}, "query:group_by"),
    ],
)
async def test_a_bad_arrivals_question_is_a_4xx_naming_the_field(
    api: httpx.AsyncClient, params: dict[str, str | int], field: str
) -> None:
    answer = await api.get("/arrivals", params=params)
    assert answer.status_code == 422, answer.text
    names = [e["field"] for e in answer.json()["errors"]]
    assert any(field.replace(".", ":") in n.replace(".", ":") for n in names), names


async def test_ticket_facts_give_its_durations(
    insights: InsightsHarness, api: httpx.AsyncClient
) -> None:
    h = facts_history(MONDAY)
    for envelope in h.envelopes:
        await insights.deliver(envelope)
    answer = await api.get(f"/tickets/{h.reopened}/facts")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["figures"]["time_to_owner_seconds"] == 120
    assert body["figures"]["first_response_seconds"] == 600
    assert body["figures"]["resolution_seconds"] == 9000
    assert body["figures"]["handling_seconds"] == 5100
    assert body["figures"]["reopen_count"] == 1
    assert body["figures"]["first_contact_resolution"] is False
    assert body["dwell_seconds"] == {
        "in_progress": 2400,
        "new": 300,
        "open": 2700,
        "resolved": 3600,
    }
    assert body["status"] == "resolved"

    missing = await api.get(f"/tickets/{uuid.uuid4()}/facts")
    assert missing.status_code == 404
    bad = await api.get("/tickets/not-a-uuid/facts")
    assert bad.status_code == 422


async def test_a_lead_sees_their_teams_only(
    insights: InsightsHarness, lead: httpx.AsyncClient
) -> None:
    h = facts_history(MONDAY)
    for envelope in h.envelopes:
        await insights.deliver(envelope)
    params = {"from": MONDAY.isoformat(), "to": (MONDAY + timedelta(hours=1)).isoformat()}

    assert (await lead.get(f"/tickets/{h.reopened}/facts")).status_code == 200
    assert (await lead.get(f"/tickets/{h.routed}/facts")).status_code == 403  # team apps
    assert (await lead.get("/arrivals", params={**params, "team": "apps"})).status_code == 403
    own = await lead.get("/arrivals", params=params)  # limited to the teams they lead
    assert own.status_code == 200
    assert own.json()["total"] == 1


async def test_an_agent_sees_no_arrivals(insights: InsightsHarness) -> None:
    async with as_viewer(insights, Viewer(role="agent", agent_id=uuid.uuid4())) as agent:
        answer = await agent.get("/arrivals")
    assert answer.status_code == 403
