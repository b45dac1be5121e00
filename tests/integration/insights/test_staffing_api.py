"""GET /staffing/{team} and /staffing/gaps on the real Postgres: required (Erlang C from the
forecast and the learned handling time, grossed up for shrinkage) against the agents on shift."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.support.insights_staffing import (
    APPS_LEAD,
    LEAD,
    NETWORK_AGENT,
    StaffingHarness,
    seed_network,
    staffing_harness,
)


@pytest.fixture
async def staffing(database_url: str, kafka_bootstrap: str) -> AsyncIterator[StaffingHarness]:
    async with staffing_harness(database_url, kafka_bootstrap) as harness:
        await seed_network(harness)
        yield harness


def by_start(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        datetime.fromisoformat(i["interval_start"]).strftime("%a %H:%M"): i
        for i in plan["intervals"]
    }


async def test_plan_compares_required_with_scheduled_per_interval(
    staffing: StaffingHarness,
) -> None:
    async with staffing.client_as() as client:
        response = await client.get("/staffing/network", params={"days": 1, "interval": 30})
    assert response.status_code == 200, response.text
    plan = response.json()
    assert (plan["model"], plan["handle_seconds"], plan["handle_seconds_learned"]) == (
        "erlang_c",
        180.0,
        True,
    )
    assert plan["handled_tickets"] == 25
    intervals = by_start(plan)
    assert len(plan["intervals"]) == 48
    assert next(iter(intervals)) == "Mon 10:00"  # the interval containing now
    figures = {
        key: (i["forecast_arrivals"], i["required_agents"], i["scheduled_agents"], i["gap"])
        for key, i in intervals.items()
    }
    assert figures["Mon 10:00"] == (2.0, 2, 5, 0)
    assert figures["Mon 12:00"] == (100.0, 20, 5, 15)  # 14 on tickets / 0.7
    assert figures["Mon 13:30"] == (2.0, 2, 5, 0)
    assert figures["Mon 15:30"] == (2.0, 2, 4, 0)  # Berlin's 17:00 is 15:00 UTC
    assert figures["Mon 20:00"] == (0.0, 0, 1, 0)  # the always-on agent
    assert figures["Tue 08:00"] == (0.0, 0, 2, 0)  # Berlin starts at 07:00 UTC
    assert intervals["Mon 12:00"]["productive_agents"] == 14
    assert intervals["Mon 12:00"]["scheduled_service_level"] == 0.0  # 5 on roster: 3 on tickets
    [gap] = plan["gaps"]
    assert (gap["starts_at"][11:16], gap["ends_at"][11:16], gap["shortfall"]) == (
        "12:00",
        "13:30",
        15,
    )


async def test_sixty_minute_intervals_sum_the_forecast(staffing: StaffingHarness) -> None:
    async with staffing.client_as() as client:
        plan = (await client.get("/staffing/network", params={"days": 1, "interval": 60})).json()
    intervals = by_start(plan)
    assert len(plan["intervals"]) == 24
    assert intervals["Mon 12:00"]["forecast_arrivals"] == 200.0
    assert intervals["Mon 13:00"]["forecast_arrivals"] == 102.0


async def test_too_few_resolved_tickets_fall_back_to_the_default_handling_time(
    database_url: str, kafka_bootstrap: str
) -> None:
    async with staffing_harness(
        database_url, kafka_bootstrap, staffing_min_handled_tickets=30
    ) as staffing:
        await seed_network(staffing)
        async with staffing.client_as() as client:
            plan = (await client.get("/staffing/network", params={"days": 1})).json()
    assert (plan["handle_seconds"], plan["handle_seconds_learned"]) == (900.0, False)
    assert by_start(plan)["Mon 12:00"]["required_agents"] == 83  # 58 on tickets at 900 s


async def test_no_forecast_means_no_requirement_and_no_gap(staffing: StaffingHarness) -> None:
    async with staffing.client_as() as client:
        plan = (await client.get("/staffing/apps", params={"days": 1})).json()
    first = plan["intervals"][0]
    assert (first["forecast_arrivals"], first["required_agents"], first["gap"]) == (None, None, 0)
    assert first["scheduled_agents"] == 2
    assert plan["gaps"] == []


async def test_gaps_list_the_coming_windows_of_the_teams_a_lead_leads(
    staffing: StaffingHarness,
) -> None:
    async with staffing.client_as() as admin:
        windows = (await admin.get("/staffing/gaps", params={"hours": 48})).json()["items"]
        assert [(w["team"], w["shortfall"]) for w in windows] == [("network", 15)]
        assert (await admin.get("/staffing/gaps", params={"hours": 1})).json()["items"] == []
    async with staffing.client_as(APPS_LEAD) as lead:
        response = await lead.get("/staffing/gaps")
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


async def test_a_lead_sees_their_team_and_nobody_elses(staffing: StaffingHarness) -> None:
    async with staffing.client_as(LEAD) as client:
        assert (await client.get("/staffing/network", params={"days": 1})).status_code == 200
        refused = await client.get("/staffing/apps")
        assert refused.status_code == 403
        assert "apps" in refused.json()["detail"]
    async with staffing.client_as(NETWORK_AGENT) as client:
        assert (await client.get("/staffing/network")).status_code == 403
        assert (await client.get("/staffing/gaps")).json()["items"] == []


async def test_no_token_is_401(staffing: StaffingHarness) -> None:
    async with staffing.client("not-a-token") as client:
        assert (await client.get("/staffing/network")).status_code == 401
        assert (await client.get("/staffing/gaps")).status_code == 401


async def test_an_unknown_team_is_404(staffing: StaffingHarness) -> None:
    async with staffing.client_as() as client:
        response = await client.get("/staffing/nobody")
    assert response.status_code == 404
    assert "nobody" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/staffing/network", {"interval": 20}, "interval"),
        ("/staffing/network", {"interval": "half"}, "interval"),
        ("/staffing/network", {"days": 0}, "days"),
        ("/staffing/network", {"days": 29}, "days"),
        ("/staffing/gaps", {"hours": 0}, "hours"),
        ("/staffing/gaps", {"hours": "soon"}, "hours"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    staffing: StaffingHarness, path: str, params: dict[str, Any], field: str
) -> None:
    async with staffing.client_as() as client:
        response = await client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert field in response.text


async def test_the_plan_moves_with_the_clock(staffing: StaffingHarness) -> None:
    staffing.clock.advance(timedelta(hours=3, minutes=10).total_seconds())
    async with staffing.client_as() as client:
        plan = (await client.get("/staffing/network", params={"days": 1})).json()
    assert next(iter(by_start(plan))) == "Mon 13:00"
    [gap] = plan["gaps"]
    assert gap["starts_at"][11:16] == "13:00"
