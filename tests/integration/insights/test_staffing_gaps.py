"""staffing.gap_forecast on the real Postgres: each coming understaffed window announced once
into the outbox, not again on a re-run, again when its shortfall changes."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from tests.polling import eventually
from tests.support.insights_staffing import (
    LEAD,
    LEAD_EMAIL,
    StaffingHarness,
    seed_network,
    staffing_harness,
)
from ticketflow_insights.commands.staffing import publish_gap_forecasts
from ticketflow_insights.domain.staffing_plan import gap_id
from ticketflow_insights.workers.staffing import run_staffing


@pytest.fixture
async def staffing(database_url: str, kafka_bootstrap: str) -> AsyncIterator[StaffingHarness]:
    async with staffing_harness(database_url, kafka_bootstrap) as harness:
        await seed_network(harness)
        yield harness


async def publish(h: StaffingHarness) -> int:
    async with h.pool.acquire() as conn:
        return await publish_gap_forecasts(conn=conn, now=h.clock())


async def gap_events(h: StaffingHarness) -> list[dict[str, Any]]:
    return [e for e in await h.outbox() if e["type"] == "staffing.gap_forecast"]


def monday(hours: float) -> datetime:
    return datetime.fromisoformat("2025-06-02T00:00:00+00:00") + timedelta(hours=hours)


async def test_a_gap_window_is_announced_once_with_its_team_lead(staffing: StaffingHarness) -> None:
    assert await publish(staffing) == 1
    [event] = await gap_events(staffing)
    assert event["subject"] == "network"
    data = event["data"]
    assert data["gap_id"] == str(gap_id("network", monday(12)))
    assert (data["starts_at"], data["ends_at"]) == (
        monday(12).isoformat().replace("+00:00", "Z"),
        monday(13.5).isoformat().replace("+00:00", "Z"),
    )
    assert (data["required_agents"], data["scheduled_agents"], data["shortfall"]) == (20, 5, 15)
    assert data["forecast_arrivals"] == 300.0
    assert (data["service_level_target"], data["answer_within_seconds"]) == (0.8, 20.0)
    assert (data["team_lead_id"], data["team_lead_email"]) == (str(LEAD), LEAD_EMAIL)
    assert (data["team"], data["team_name"], data["interval_minutes"]) == ("network", "Network", 30)

    assert await publish(staffing) == 0  # nothing changed: nothing new
    staffing.clock.advance(15 * 60)
    assert await publish(staffing) == 0
    assert len(await gap_events(staffing)) == 1


async def test_a_changed_shortfall_is_announced_again_under_the_same_id(
    staffing: StaffingHarness,
) -> None:
    await publish(staffing)
    await staffing.forecast("network", monday(12.5), 0.5, lambda _: 150.0)
    assert await publish(staffing) == 1
    first, second = await gap_events(staffing)
    assert second["data"]["gap_id"] == first["data"]["gap_id"]
    assert (first["data"]["shortfall"], second["data"]["shortfall"]) == (15, 23)
    assert second["data"]["required_agents"] == 28

    # Two more agents on shift shrink it: announced again.
    await staffing.agent(["network"], shifts=None)
    await staffing.agent(["network"], shifts=None)
    assert await publish(staffing) == 1
    assert [e["data"]["shortfall"] for e in await gap_events(staffing)] == [15, 23, 21]


async def test_an_ongoing_window_is_not_announced_again_as_the_clock_enters_it(
    staffing: StaffingHarness,
) -> None:
    await publish(staffing)
    staffing.clock.now = monday(12) + timedelta(minutes=40)  # the horizon starts at 12:30 now
    assert await publish(staffing) == 0
    staffing.clock.now = monday(13) + timedelta(minutes=5)
    assert await publish(staffing) == 0
    assert len(await gap_events(staffing)) == 1


async def test_a_window_beyond_the_horizon_waits_until_it_is_within_it(
    database_url: str, kafka_bootstrap: str
) -> None:
    async with staffing_harness(
        database_url, kafka_bootstrap, staffing_gap_horizon_hours=1
    ) as staffing:
        await seed_network(staffing)
        assert await publish_with_settings(staffing) == 0
        staffing.clock.now = monday(11) + timedelta(minutes=40)  # 11:30 and 12:00
        assert await publish_with_settings(staffing) == 1


async def publish_with_settings(h: StaffingHarness) -> int:
    settings = h.settings
    async with h.pool.acquire() as conn:
        return await publish_gap_forecasts(
            conn=conn,
            now=h.clock(),
            hours=settings.staffing_gap_horizon_hours,
            interval_minutes=settings.staffing_interval_minutes,
        )


async def test_gauges_show_the_current_interval_and_the_coming_gaps(
    staffing: StaffingHarness,
) -> None:
    await publish(staffing)

    def gauge(name: str) -> float | None:
        return REGISTRY.get_sample_value(f"ticketflow_insights_{name}", {"team": "network"})

    assert (gauge("required_agents"), gauge("scheduled_agents")) == (2.0, 5.0)
    assert gauge("staffing_gaps") == 1.0


async def test_the_worker_announces_the_gaps(staffing: StaffingHarness) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(run_staffing(staffing.runtime, stop))
    try:
        [event] = await eventually(lambda: gap_events(staffing), what="a staffing.gap_forecast")
        assert event["data"]["shortfall"] == 15
    finally:
        stop.set()
        await task


async def test_two_replicas_planning_at_once_announce_a_window_once(
    staffing: StaffingHarness,
) -> None:
    counts = await asyncio.gather(publish(staffing), publish(staffing), publish(staffing))
    assert sorted(counts) == [0, 0, 1]
    assert len(await gap_events(staffing)) == 1


async def test_a_window_whose_start_moves_is_announced_again_as_the_same_gap(
    staffing: StaffingHarness,
) -> None:
    await publish(staffing)
    await staffing.forecast("network", monday(11.5), 0.5, lambda _: 100.0)
    assert await publish(staffing) == 1
    first, second = await gap_events(staffing)
    assert second["data"]["gap_id"] == first["data"]["gap_id"]
    assert second["data"]["starts_at"] == "2025-06-02T11:30:00Z"
    assert await publish(staffing) == 0
