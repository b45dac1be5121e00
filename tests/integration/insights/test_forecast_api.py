"""The forecast routes: stored figures for admins and the team's lead, 4xx naming the field."""

from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import uuid4

import pytest

from tests.support.harness import ServiceHarness
from tests.support.insights import client_as
from tests.support.insights_forecast import (
    ASCENSION,
    TODAY,
    WHIT_MONDAY,
    insights_harness,
    seed_arrivals,
    seed_calendar,
)
from ticketflow_insights.commands.forecasts import refit_and_reforecast
from ticketflow_insights.domain.access import ADMIN, Viewer
from ticketflow_insights.settings import InsightsSettings

Insights = ServiceHarness[InsightsSettings]
BILLING_LEAD = Viewer(role="lead", agent_id=uuid4(), led_teams=frozenset({"billing"}))
SALES_LEAD = Viewer(role="lead", agent_id=uuid4(), led_teams=frozenset({"sales"}))
AGENT = Viewer(role="agent", agent_id=uuid4())


@pytest.fixture
async def bare(database_url: str, kafka_bootstrap: str) -> AsyncIterator[Insights]:
    """Nothing seeded: input is checked before any team is looked up."""
    async with insights_harness(database_url, kafka_bootstrap) as harness:
        yield harness


@pytest.fixture
async def insights(database_url: str, kafka_bootstrap: str) -> AsyncIterator[Insights]:
    """Five weeks of billing arrivals and today's morning, refit and re-forecast at 12:00
    Berlin; `sales` is a team routing knows of, with no arrivals."""
    async with insights_harness(database_url, kafka_bootstrap) as harness:
        async with harness.pool.acquire() as conn:
            await seed_calendar(conn, ASCENSION, WHIT_MONDAY)
            start = TODAY - timedelta(weeks=5)
            await seed_arrivals(conn, team="billing", start=start, end=harness.clock(), seed=8)
            await conn.execute(
                "INSERT INTO teams (team, name, changed_at) VALUES ('sales', 'Sales', $1)",
                harness.clock(),
            )
            await refit_and_reforecast(conn=conn, now=harness.clock(), intervals=(30, 60))
        yield harness


async def test_an_admin_reads_weeks_of_forecast_from_the_current_interval(
    insights: Insights,
) -> None:
    async with client_as(insights, ADMIN) as api:
        answer = await api.get("/forecasts/billing", params={"interval": 30, "weeks": 1})
        hourly = await api.get("/forecasts/billing", params={"interval": 60, "weeks": 2})
        later = await api.get(
            "/forecasts/billing",
            params={"weeks": 1, "from": (insights.clock() + timedelta(weeks=3)).isoformat()},
        )
    assert answer.status_code == 200
    body = answer.json()
    assert body["team"] == "billing"
    assert body["interval_minutes"] == 30
    intervals = body["intervals"]
    assert len(intervals) == 7 * 48
    assert intervals[0]["interval_start"] == "2025-06-02T10:00:00Z"
    assert {i["source"] for i in intervals[:16]} == {"intraday"}
    assert {i["source"] for i in intervals[16:]} == {"model"}
    assert all(i["lower"] <= i["arrivals"] <= i["upper"] + 1 for i in intervals)
    assert len(hourly.json()["intervals"]) == 2 * 7 * 24
    assert len(later.json()["intervals"]) == 7 * 48 - 24  # the horizon ends 4 weeks from 0:00


async def test_the_intraday_view_shows_the_next_hours_and_this_intervals_arrivals(
    insights: Insights,
) -> None:
    async with insights.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO arrivals (interval_start, team, channel, priority, arrivals)"
            " VALUES ($1, 'billing', 'email', 'low', 4)",
            insights.clock(),
        )
    insights.clock.advance(20 * 60)
    async with client_as(insights, BILLING_LEAD) as api:
        answer = await api.get("/forecasts/billing/intraday", params={"hours": 3})
    assert answer.status_code == 200
    intervals = answer.json()["intervals"]
    assert len(intervals) == 6
    assert intervals[0]["interval_start"] == "2025-06-02T10:00:00Z"
    assert intervals[0]["actual"] >= 4
    assert all(i["actual"] is None for i in intervals[1:])


async def test_accuracy_says_whether_the_model_beats_seasonal_naive(insights: Insights) -> None:
    async with client_as(insights, BILLING_LEAD) as api:
        answer = await api.get("/forecasts/billing/accuracy")
        hourly = await api.get("/forecasts/billing/accuracy", params={"interval": 60})
    assert answer.status_code == 200
    body = answer.json()
    assert body["folds"] == 3
    assert body["history_days"] == 35
    assert body["model_wape"] < body["baseline_wape"]
    assert body["beats_baseline"] is True
    assert hourly.json()["interval_minutes"] == 60


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/forecasts/billing", {"interval": 20}, "query:interval"),
        ("/forecasts/billing", {"interval": "half"}, "query:interval"),
        ("/forecasts/billing", {"weeks": 0}, "query:weeks"),
        ("/forecasts/billing", {"weeks": 13}, "query:weeks"),
        ("/forecasts/billing", {"from": "tomorrow"}, "query:from"),
        ("/forecasts/billing", {"from": "2025-06-03T00:00:00"}, "query:from"),
        ("/forecasts/billing/intraday", {"hours": 0}, "query:hours"),
        ("/forecasts/billing/intraday", {"hours": 49}, "query:hours"),
        ("/forecasts/billing/accuracy", {"interval": 45}, "query:interval"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    bare: Insights, path: str, params: dict[str, str | int], field: str
) -> None:
    async with client_as(bare, ADMIN) as api:
        answer = await api.get(path, params=params)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in answer.json()["errors"]] == [field]


@pytest.mark.parametrize("suffix", ["", "/intraday", "/accuracy"])
async def test_only_admins_and_the_teams_lead_see_it(insights: Insights, suffix: str) -> None:
    for viewer, status in ((SALES_LEAD, 403), (AGENT, 403), (BILLING_LEAD, 200), (ADMIN, 200)):
        async with client_as(insights, viewer) as api:
            answer = await api.get(f"/forecasts/billing{suffix}")
        assert answer.status_code == status, viewer
    async with client_as(insights, SALES_LEAD) as api:
        assert (await api.get(f"/forecasts/marketing{suffix}")).status_code == 403


@pytest.mark.parametrize("suffix", ["", "/intraday", "/accuracy"])
async def test_an_unknown_team_or_one_without_a_forecast_is_a_404(
    insights: Insights, suffix: str
) -> None:
    async with client_as(insights, ADMIN) as api:
        unknown = await api.get(f"/forecasts/marketing{suffix}")
        unforecast = await api.get(f"/forecasts/sales{suffix}")
        not_refreshed = await api.get(f"/forecasts/billing{suffix}", params={"interval": 15})
    assert unknown.status_code == 404
    assert "marketing" in unknown.json()["detail"]
    assert unforecast.status_code == 404
    assert "sales" in unforecast.json()["detail"]
    assert not_refreshed.status_code == 404


async def test_the_service_token_is_still_required(bare: Insights) -> None:
    async with bare.client("not-the-token") as api:
        assert (await api.get("/forecasts/billing")).status_code == 401
