"""Refit and intraday re-forecast on the real Postgres: six weeks of a weekly pattern in."""

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from tests.polling import eventually
from tests.support.harness import ServiceHarness
from tests.support.insights_forecast import (
    ASCENSION,
    BERLIN,
    TODAY,
    WHIT_MONDAY,
    insights_harness,
    seed_arrivals,
    seed_calendar,
)
from ticketflow_insights.commands import forecasts as forecast_commands
from ticketflow_insights.commands.forecasts import (
    reforecast_intraday,
    refresh_forecast_gauges,
    refresh_forecasts,
)
from ticketflow_insights.domain.forecast_fit import fit_team
from ticketflow_insights.settings import InsightsSettings
from ticketflow_insights.workers.forecasts import run_forecasts

Insights = ServiceHarness[InsightsSettings]
HISTORY_START = TODAY - timedelta(weeks=6)
PER_DAY = 48


@pytest.fixture
async def insights(database_url: str, kafka_bootstrap: str) -> AsyncIterator[Insights]:
    """Six weeks of `billing` arrivals up to today's local midnight; Berlin's calendar with
    Ascension (in the history) and Whit Monday (in the horizon)."""
    async with insights_harness(database_url, kafka_bootstrap) as harness:
        async with harness.pool.acquire() as conn:
            await seed_calendar(conn, ASCENSION, WHIT_MONDAY)
            await seed_arrivals(conn, team="billing", start=HISTORY_START, end=TODAY, seed=14)
        yield harness


async def rows(insights: Insights, team: str, minutes: int = 30) -> list[dict[str, Any]]:
    async with insights.pool.acquire() as conn:
        found = await conn.fetch(
            "SELECT * FROM forecasts WHERE team = $1 AND interval_minutes = $2"
            " ORDER BY interval_start",
            team,
            minutes,
        )
    return [dict(r) for r in found]


def on_day(found: list[dict[str, Any]], day: date) -> list[float]:
    return [r["arrivals"] for r in found if r["interval_start"].astimezone(BERLIN).date() == day]


def day_total(found: list[dict[str, Any]], day: date) -> float:
    return sum(on_day(found, day))


def peak(found: list[dict[str, Any]], day: datetime) -> float:
    """The busiest interval of a local day (Tuesday vs Saturday: weekday peak vs weekend)."""
    return max(on_day(found, day.date()))


async def test_a_refit_stores_four_weeks_from_today_and_a_backtest_that_beats_the_baseline(
    insights: Insights,
) -> None:
    async with insights.pool.acquire() as conn:
        runs = await refresh_forecasts(conn=conn, now=insights.clock(), intervals=(30, 60))
        accuracy = await conn.fetch("SELECT * FROM forecast_accuracy ORDER BY interval_minutes")
    found = await rows(insights, "billing")
    assert len(found) == 4 * 7 * PER_DAY
    assert len(await rows(insights, "billing", 60)) == 4 * 7 * 24
    assert found[0]["interval_start"] == TODAY
    assert {r["source"] for r in found} == {"model"}
    assert min(r["arrivals"] for r in found) >= 0
    assert all(r["lower"] <= r["arrivals"] <= r["upper"] + 1 for r in found)
    assert peak(found, TODAY + timedelta(days=1)) > 3 * peak(found, TODAY + timedelta(days=5))
    assert [(r["interval_minutes"], r["folds"], r["history_days"]) for r in accuracy] == [
        (30, 3, 42),
        (60, 3, 42),
    ]
    assert all(r["model_wape"] < r["baseline_wape"] for r in accuracy)
    assert {(run.team, run.interval_minutes, run.source) for run in runs} == {
        ("billing", 30, "model"),
        ("billing", 60, "model"),
    }
    wape = REGISTRY.get_sample_value(
        "ticketflow_insights_forecast_wape_ratio", {"team": "billing", "model": "model"}
    )
    naive = REGISTRY.get_sample_value(
        "ticketflow_insights_forecast_wape_ratio", {"team": "billing", "model": "seasonal_naive"}
    )
    assert wape is not None
    assert naive is not None
    assert wape < naive


async def test_a_holiday_in_the_horizon_is_forecast_low(insights: Insights) -> None:
    async with insights.pool.acquire() as conn:
        await refresh_forecasts(conn=conn, now=insights.clock())
    found = await rows(insights, "billing")
    whit_monday = day_total(found, WHIT_MONDAY)
    next_monday = day_total(found, WHIT_MONDAY + timedelta(weeks=1))
    assert 0 < whit_monday < 0.4 * next_monday


async def test_a_refit_replaces_the_future_and_skips_teams_with_too_little_history(
    insights: Insights,
) -> None:
    async with insights.pool.acquire() as conn:
        await seed_arrivals(conn, team="sales", start=TODAY - timedelta(days=10), end=TODAY, seed=2)
        await seed_arrivals(conn, team="new", start=TODAY - timedelta(days=3), end=TODAY, seed=3)
        await refresh_forecasts(conn=conn, now=insights.clock())
        insights.clock.advance(6 * 3600)
        await refresh_forecasts(conn=conn, now=insights.clock())
        accuracy = await conn.fetchrow("SELECT * FROM forecast_accuracy WHERE team = 'sales'")
    assert len(await rows(insights, "billing")) == 4 * 7 * PER_DAY
    sales = await rows(insights, "sales")
    assert len(sales) == 4 * 7 * PER_DAY
    assert {r["source"] for r in sales} == {"baseline"}
    assert accuracy is not None
    assert accuracy["folds"] == 0
    assert accuracy["model_wape"] is None
    assert await rows(insights, "new") == []


async def test_the_fit_runs_off_the_event_loop(
    insights: Insights, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []

    def recording_fit(**kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return fit_team(**kwargs)

    monkeypatch.setattr(forecast_commands, "fit_team", recording_fit)
    async with insights.pool.acquire() as conn:
        await refresh_forecasts(conn=conn, now=insights.clock())
    assert threads
    assert threading.get_ident() not in threads


async def test_a_surge_this_morning_raises_the_next_hours_only(insights: Insights) -> None:
    now = insights.clock()  # 12:00 in Berlin
    async with insights.pool.acquire() as conn:
        await refresh_forecasts(conn=conn, now=now)
        model = {r["interval_start"]: r["arrivals"] for r in await rows(insights, "billing")}
        await seed_arrivals(conn, team="billing", start=TODAY, end=now, seed=5, scale=1.8)
        changed = await reforecast_intraday(conn=conn, now=now, hours=8)
    found = await rows(insights, "billing")
    intraday = [r for r in found if r["source"] == "intraday"]
    assert changed == len(intraday) == 16
    assert intraday[0]["interval_start"] == now
    assert intraday[-1]["interval_start"] == now + timedelta(hours=7, minutes=30)
    for row in intraday:
        assert row["model_arrivals"] == model[row["interval_start"]]
        assert model[row["interval_start"]] < row["arrivals"] <= 2 * model[row["interval_start"]]
    before = [r for r in found if r["interval_start"] < now]
    assert {r["source"] for r in before} == {"model"}
    assert [r["arrivals"] for r in before] == [model[r["interval_start"]] for r in before]

    async with insights.pool.acquire() as conn:  # later: rescales the model, not itself
        insights.clock.advance(15 * 60)
        await reforecast_intraday(conn=conn, now=insights.clock(), hours=8)
    again = {r["interval_start"]: r for r in await rows(insights, "billing")}
    ratios = {
        round(again[r["interval_start"]]["arrivals"] / model[r["interval_start"]], 6)
        for r in intraday
        if model[r["interval_start"]] > 0
    }
    assert len(ratios) == 1
    assert 1.0 < ratios.pop() <= 2.0


async def test_the_gauges_show_this_intervals_forecast_and_arrivals(insights: Insights) -> None:
    now = insights.clock()
    async with insights.pool.acquire() as conn:
        await refresh_forecasts(conn=conn, now=now)
        await conn.execute(
            "INSERT INTO arrivals (interval_start, team, channel, priority, arrivals)"
            " VALUES ($1, 'billing', 'email', 'normal', 7), ($2, 'billing', 'chat', 'high', 2)",
            now,
            now + timedelta(minutes=15),
        )
        await refresh_forecast_gauges(conn=conn, now=now + timedelta(minutes=20))
        forecast = await conn.fetchval(
            "SELECT arrivals FROM forecasts WHERE team = 'billing' AND interval_minutes = 30"
            " AND interval_start = $1",
            now,
        )
    labels = {"team": "billing"}
    assert REGISTRY.get_sample_value("ticketflow_insights_actual_arrivals", labels) == 9
    assert REGISTRY.get_sample_value("ticketflow_insights_forecast_arrivals", labels) == forecast
    assert now.astimezone(UTC) == datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


async def test_a_failing_fit_skips_its_team_only_and_archived_teams_are_not_forecast(
    insights: Insights, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def first_fit_fails(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("singular design")
        return fit_team(**kwargs)

    async with insights.pool.acquire() as conn:
        await seed_arrivals(conn, team="aardvark", start=HISTORY_START, end=TODAY, seed=31)
        await seed_arrivals(conn, team="zebra", start=HISTORY_START, end=TODAY, seed=32)
        await conn.execute(
            "INSERT INTO teams (team, name, archived, changed_at) VALUES ('zebra', 'Z', true, $1)",
            insights.clock(),
        )
        monkeypatch.setattr(forecast_commands, "fit_team", first_fit_fails)
        runs = await refresh_forecasts(conn=conn, now=insights.clock())
    assert [run.team for run in runs] == ["billing"]  # aardvark's fit failed, zebra archived
    assert len(calls) == 2
    assert await rows(insights, "aardvark") == []
    assert await rows(insights, "zebra") == []


async def test_the_worker_refits_reforecasts_and_sets_the_gauges(insights: Insights) -> None:
    """The service's own loop, on settings of its own: refit at start, then today rescaled."""
    now = insights.clock()
    async with insights.pool.acquire() as conn:
        await seed_arrivals(conn, team="billing", start=TODAY, end=now, seed=41, scale=1.8)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_forecasts(insights.runtime, stop))

    async def intraday_rows() -> int:
        async with insights.pool.acquire() as conn:
            found: int = await conn.fetchval(
                "SELECT count(*) FROM forecasts WHERE team = 'billing' AND source = 'intraday'"
                " AND interval_minutes = 30"
            )
        return found

    async def gauge_shows_the_current_row() -> bool:
        async with insights.pool.acquire() as conn:
            current = await conn.fetchval(
                "SELECT arrivals FROM forecasts WHERE team = 'billing' AND interval_minutes = 30"
                " AND interval_start = $1 AND source = 'intraday'",
                now,
            )
        shown = REGISTRY.get_sample_value(
            "ticketflow_insights_forecast_arrivals", {"team": "billing"}
        )
        return current is not None and shown == current

    try:
        assert await eventually(intraday_rows, what="intraday rows", within=120) == 16
        assert await eventually(gauge_shows_the_current_row, what="the forecast gauge", within=60)
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=120)
    assert len(await rows(insights, "billing", 60)) == 4 * 7 * 24  # the settings' intervals
