"""Scorecard figures from real facts rows: a team's and its agents' week to date, another
period, targets overridden through the API, and the gauge."""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client import REGISTRY

from tests.integration.insights.conftest import InsightsHarness
from tests.support.insights_scorecards import Facts, at, seed_facts
from ticketflow_insights.commands.gauges import refresh_gauges

HOUR = 3600.0


@pytest.fixture
async def facts(insights: InsightsHarness) -> AsyncIterator[Facts]:
    """The scenario's facts, the clock on Wednesday noon of their week."""
    insights.clock.now = at(2, 12)
    async with insights.pool.acquire() as conn:
        yield await seed_facts(conn)


def value(card: dict[str, object], figure: str) -> object:
    entry = card[figure]
    assert isinstance(entry, dict)
    return entry["value"]


async def test_a_team_week_to_date(api: httpx.AsyncClient, facts: Facts) -> None:
    response = await api.get("/scorecards/teams/network", params={"period": "week"})
    assert response.status_code == 200, response.text
    card = response.json()
    assert card["scope"] == "team"
    assert card["period"]["start"].startswith("2025-06-02T00:00:00")
    assert card["as_of"].startswith("2025-06-04T12:00:00")
    # Handled: t1 and t2; t5 is open again, t6 resolves after now, t4 was last week.
    assert card["handled"]["value"] == 2
    assert value(card, "first_contact_resolution") == pytest.approx(0.5)
    assert card["first_contact_resolution"]["met"] is False
    assert value(card, "reopen_rate") == pytest.approx(0.5)
    assert value(card, "resolution_p50_seconds") == pytest.approx((2 * HOUR + 24 * HOUR) / 2)
    assert value(card, "resolution_p90_seconds") == pytest.approx(2 * HOUR + 0.9 * 22 * HOUR)
    # First responses of the team's tickets: 30 min, 2 h and 10 min (t3's, by the lead).
    assert card["first_response_p50_seconds"]["count"] == 3
    assert value(card, "first_response_p50_seconds") == pytest.approx(1800)
    assert value(card, "first_response_p90_seconds") == pytest.approx(1800 + 0.8 * 5400)
    assert value(card, "first_response_within_target") == pytest.approx(2 / 3)
    # Clocks met: t1's and t3's; breached: t2's; the running and the cancelled one do not count.
    assert value(card, "sla_achievement") == pytest.approx(2 / 3)
    assert card["sla_achievement"]["count"] == 3
    assert value(card, "csat_share") == pytest.approx(0.5)
    assert card["dwell_seconds"]["open"] == {
        "tickets": 2,
        "median_seconds": 5400.0,
        "total_seconds": 10800.0,
    }
    assert set(card["dwell_seconds"]) == {"open", "in_progress", "pending"}


async def test_an_agent_counts_what_they_resolved_answered_and_owned(
    api: httpx.AsyncClient, facts: Facts
) -> None:
    response = await api.get(f"/scorecards/agents/{facts.network_agent}")
    assert response.status_code == 200, response.text
    card = response.json()
    assert (card["scope"], card["id"], card["teams"]) == (
        "agent",
        str(facts.network_agent),
        ["network"],
    )
    assert card["handled"]["value"] == 2
    # Their own first responses only: 30 min and 2 h.
    assert value(card, "first_response_p50_seconds") == pytest.approx(4500)
    assert value(card, "first_response_within_target") == pytest.approx(0.5)
    assert value(card, "sla_achievement") == pytest.approx(0.5)

    billing = (await api.get(f"/scorecards/agents/{facts.billing_agent}")).json()
    assert billing["handled"]["value"] == 1
    assert value(billing, "first_contact_resolution") == 1.0
    assert value(billing, "csat_share") == 1.0
    assert billing["first_contact_resolution"]["met"] is True


async def test_other_periods_and_instants(api: httpx.AsyncClient, facts: Facts) -> None:
    last_week = await api.get(
        f"/scorecards/agents/{facts.network_agent}",
        params={"period": "week", "at": at(-3, 12).isoformat()},
    )
    assert last_week.status_code == 200, last_week.text
    card = last_week.json()
    assert card["handled"]["value"] == 1  # t4
    assert value(card, "resolution_p50_seconds") == pytest.approx(4 * HOUR)
    assert card["as_of"] == card["period"]["end"]
    monday = (
        await api.get(
            "/scorecards/teams/network", params={"period": "day", "at": "2025-06-02T15:00:00Z"}
        )
    ).json()
    assert monday["handled"]["value"] == 1  # t1; t2 resolved on Tuesday
    quarter = (await api.get("/scorecards/teams/network", params={"period": "quarter"})).json()
    assert quarter["period"]["start"].startswith("2025-04-01")
    assert quarter["handled"]["value"] == 3  # t1, t2, t4


async def test_bad_period_instant_and_unknowns(api: httpx.AsyncClient, facts: Facts) -> None:
    period = await api.get("/scorecards/teams/network", params={"period": "year"})
    assert period.status_code == 422
    assert period.json()["errors"][0]["field"] == "query:period"
    naive = await api.get("/scorecards/teams/network", params={"at": "2025-06-02T10:00:00"})
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "query:at"
    zone = await api.get("/scorecards/teams/network", params={"tz": "Mars/Olympus"})
    assert zone.status_code == 422
    assert zone.json()["errors"][0]["field"] == "query:tz"
    assert (await api.get("/scorecards/teams/nowhere")).status_code == 404
    assert (await api.get(f"/scorecards/agents/{uuid.uuid4()}")).status_code == 404
    assert (await api.get(f"/scorecards/agents/{facts.removed_agent}")).status_code == 404


async def test_a_team_agents_side_by_side(api: httpx.AsyncClient, facts: Facts) -> None:
    response = await api.get("/scorecards/teams/network/agents")
    assert response.status_code == 200, response.text
    cards = {c["id"]: c for c in response.json()["items"]}
    assert set(cards) == {str(facts.network_agent), str(facts.network_lead)}
    assert cards[str(facts.network_lead)]["first_response_p50_seconds"]["value"] == 600


async def test_targets_overridden_judge_the_figures(api: httpx.AsyncClient, facts: Facts) -> None:
    defaults = (await api.get("/targets/network")).json()
    assert defaults["overridden"] == []
    assert defaults["targets"]["first_contact_resolution"] == 0.70
    assert defaults["updated_by"] is None

    changed = await api.put(
        "/targets/network", json={"first_contact_resolution": 0.4, "resolution_seconds": 48 * HOUR}
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["overridden"] == ["first_contact_resolution", "resolution_seconds"]
    assert body["updated_by"] == "service-token"
    assert body["changes"][0]["changes"] == {
        "first_contact_resolution": 0.4,
        "resolution_seconds": 48 * HOUR,
    }
    card = (await api.get("/scorecards/teams/network")).json()
    assert card["first_contact_resolution"]["target"] == 0.4
    assert card["first_contact_resolution"]["met"] is True
    assert card["resolution_p50_seconds"]["met"] is True  # 13 h within 48 h
    # The billing team keeps the defaults.
    billing = (await api.get("/targets/billing")).json()
    assert billing["targets"]["first_contact_resolution"] == 0.70

    back = await api.put("/targets/network", json={"first_contact_resolution": None})
    assert back.status_code == 200, back.text
    assert back.json()["overridden"] == ["resolution_seconds"]
    assert back.json()["targets"]["first_contact_resolution"] == 0.70
    assert len(back.json()["changes"]) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_contact_resolution": 1.5}, "first_contact_resolution"),
        ({"reopen_rate": -0.1}, "reopen_rate"),
        ({"service_level": "high"}, "service_level"),
        ({"bogus": 1}, "bogus"),
        ({}, "body"),
    ],
)
async def test_bad_target_changes_name_their_field(
    api: httpx.AsyncClient, facts: Facts, body: dict[str, object], field: str
) -> None:
    response = await api.put("/targets/network", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert (await api.get("/targets/network")).json()["overridden"] == []


async def test_targets_of_an_unknown_team(api: httpx.AsyncClient, facts: Facts) -> None:
    assert (await api.get("/targets/nowhere")).status_code == 404
    assert (await api.put("/targets/nowhere", json={"csat_share": 0.8})).status_code == 404


async def test_the_gauge_holds_each_team_week_to_date(
    insights: InsightsHarness, facts: Facts
) -> None:
    async with insights.pool.acquire() as conn:
        await refresh_gauges(conn=conn, now=insights.clock())

    def sample(team: str, figure: str) -> float | None:
        return REGISTRY.get_sample_value(
            "ticketflow_insights_scorecard", {"team": team, "figure": figure}
        )

    assert sample("network", "handled") == 2
    assert sample("network", "first_contact_resolution") == pytest.approx(0.5)
    assert sample("network", "sla_achievement") == pytest.approx(2 / 3)
    assert sample("billing", "resolution_p50_seconds") == pytest.approx(HOUR)
