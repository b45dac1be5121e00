"""Forecasts across Berlin's clock changes: distinct instants, the peak stays at local 10:00."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from tests.support.harness import ServiceHarness
from tests.support.insights_forecast import BERLIN, insights_harness, seed_arrivals, seed_calendar
from ticketflow_insights.commands.forecasts import reforecast_intraday, refresh_forecasts
from ticketflow_insights.settings import InsightsSettings

Insights = ServiceHarness[InsightsSettings]


@pytest.fixture
async def insights(database_url: str, kafka_bootstrap: str) -> AsyncIterator[Insights]:
    async with insights_harness(database_url, kafka_bootstrap) as harness:
        async with harness.pool.acquire() as conn:
            await seed_calendar(conn)
        yield harness


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=BERLIN)


async def local_rows(insights: Insights) -> list[tuple[datetime, float, str]]:
    async with insights.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT interval_start, arrivals, source FROM forecasts"
            " WHERE team = 'billing' AND interval_minutes = 30 ORDER BY interval_start"
        )
    return [(r["interval_start"].astimezone(BERLIN), r["arrivals"], r["source"]) for r in rows]


async def test_a_horizon_over_the_autumn_change_has_a_50_interval_day(insights: Insights) -> None:
    today = midnight(date(2025, 10, 20))  # the Monday before clocks go back (26 October)
    insights.clock.now = datetime(2025, 10, 20, 10, 0, tzinfo=UTC)
    async with insights.pool.acquire() as conn:
        await seed_arrivals(
            conn, team="billing", start=today - timedelta(weeks=5), end=today, seed=21
        )
        await refresh_forecasts(conn=conn, now=insights.clock())
    rows = await local_rows(insights)
    instants = [moment.timestamp() for moment, _, _ in rows]
    assert len(rows) == 4 * 7 * 48
    assert instants == sorted(set(instants))
    assert all(b - a == 1800 for a, b in pairwise(instants))
    change_day = [moment for moment, _, _ in rows if moment.date() == date(2025, 10, 26)]
    assert len(change_day) == 50
    after_change = [(m, a) for m, a, _ in rows if m.date() == date(2025, 10, 28)]  # Tuesday
    assert max(after_change, key=lambda row: row[1])[0].hour in (9, 10)


async def test_a_history_over_the_spring_change_keeps_the_local_peak_and_intraday_works(
    insights: Insights,
) -> None:
    today = midnight(date(2025, 4, 7))  # a week after clocks went forward (30 March)
    insights.clock.now = datetime(2025, 4, 7, 9, 0, tzinfo=UTC)  # 11:00 in Berlin
    async with insights.pool.acquire() as conn:
        await seed_arrivals(
            conn, team="billing", start=today - timedelta(weeks=4), end=today, seed=22
        )
        await refresh_forecasts(conn=conn, now=insights.clock())
        await seed_arrivals(
            conn, team="billing", start=today, end=insights.clock(), seed=23, scale=1.5
        )
        changed = await reforecast_intraday(conn=conn, now=insights.clock(), hours=2)
    rows = await local_rows(insights)
    tuesday = [(m, a) for m, a, _ in rows if m.date() == date(2025, 4, 8)]
    assert len(tuesday) == 48
    assert max(tuesday, key=lambda row: row[1])[0].hour in (9, 10)
    assert changed == 4
    assert [m.hour for m, _, s in rows if s == "intraday"] == [11, 11, 12, 12]
