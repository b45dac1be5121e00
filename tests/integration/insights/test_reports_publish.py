"""Scheduled reports on the real Postgres: each kind's last full period is stored once per team
and for the organisation, and announced once, however often and by how many replicas the
publisher runs."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from tests.polling import eventually
from tests.support.insights_reports import (
    CHINESE_LEAD,
    CHINESE_TEAM,
    LAST_WEEK,
    NETWORK_LEAD,
    NOW,
    WEEK_BEFORE,
    ReportsHarness,
    reports_harness,
)
from ticketflow_insights.commands.reports import publish_due_reports
from ticketflow_insights.workers.reports import run_reports

HOUR = 3600.0
SCOPES = {"network", CHINESE_TEAM, None}


@pytest.fixture
async def reports(database_url: str, kafka_bootstrap: str) -> AsyncIterator[ReportsHarness]:
    async for harness in reports_harness(database_url, kafka_bootstrap):
        yield harness


async def publish(reports: ReportsHarness) -> list[Any]:
    async with reports.pool.acquire() as conn:
        return await publish_due_reports(conn=conn, now=reports.clock())


def published_total(kind: str) -> float:
    value = REGISTRY.get_sample_value("ticketflow_insights_reports_published_total", {"kind": kind})
    return value or 0.0


async def test_last_weeks_report_is_stored_once_per_team_and_announced_once(
    reports: ReportsHarness,
) -> None:
    weekly_before = published_total("weekly")
    published = await publish(reports)
    rows = await reports.fetch("SELECT kind, team, period_start, body FROM reports")
    weekly = {r["team"]: r for r in rows if r["kind"] == "weekly"}
    assert set(weekly) == SCOPES  # not the archived team
    assert {r["period_start"] for r in weekly.values()} == {LAST_WEEK}
    assert len(rows) == len(published) == 9  # weekly, monthly, quarterly x 2 teams + organisation
    assert {(r["kind"], r["period_start"].isoformat()) for r in rows if r["team"] is None} == {
        ("weekly", "2025-06-09T00:00:00+00:00"),
        ("monthly", "2025-05-01T00:00:00+00:00"),
        ("quarterly", "2025-01-01T00:00:00+00:00"),
    }
    events = await reports.published()
    assert sorted(e["subject"] for e in events) == sorted(str(r) for r in published)
    assert published_total("weekly") - weekly_before == 3

    network = weekly["network"]["body"]
    figures = {f["name"]: f for f in network["figures"]}
    assert (figures["handled"]["value"], figures["handled"]["previous"]) == (5, 4)
    assert figures["resolution_p50_seconds"]["value"] == 40 * HOUR
    assert figures["resolution_p50_seconds"]["previous"] == 60 * HOUR
    assert figures["reopen_rate"]["value"] == pytest.approx(0.2)
    assert figures["reopen_rate"]["met"] is False
    assert (figures["csat_share"]["value"], figures["csat_share"]["previous"]) == (1.0, 0.0)
    trend = network["cycle_time"]
    assert trend["baseline_seconds"] == 72 * HOUR
    assert trend["target_seconds"] == pytest.approx(72 * HOUR * 0.8)
    assert [w["resolution_p50_seconds"] for w in trend["weeks"][-2:]] == [60 * HOUR, 40 * HOUR]
    assert trend["on_target"] is True

    organisation = {f["name"]: f for f in weekly[None]["body"]["figures"]}
    assert organisation["handled"]["value"] == 7
    assert organisation["handled"]["previous"] == 4


async def test_the_event_names_the_report_its_links_and_the_leads(
    reports: ReportsHarness,
) -> None:
    await publish(reports)
    rows = await reports.fetch("SELECT report_id, kind, team FROM reports")
    ids = {(r["kind"], r["team"]): str(r["report_id"]) for r in rows}
    events = {e["subject"]: e for e in await reports.published()}
    network = events[ids[("weekly", "network")]]
    assert network["data"]["kind"] == "weekly"
    assert network["data"]["team"] == "network"
    assert network["data"]["period_start"].startswith("2025-06-09T00:00:00")
    assert network["data"]["recipients"] == [NETWORK_LEAD]
    report_id = ids[("weekly", "network")]
    assert network["data"]["links"] == {
        "json": f"/reports/{report_id}",
        "csv": f"/reports/{report_id}.csv",
        "html": f"/reports/{report_id}.html",
    }
    assert {f["name"] for f in network["data"]["figures"]} >= {"handled", "csat_share"}
    chinese = events[ids[("weekly", CHINESE_TEAM)]]
    assert chinese["data"]["recipients"] == [CHINESE_LEAD]
    assert chinese["data"]["title"].startswith("Weekly report: 网络支持组")
    organisation = events[ids[("weekly", None)]]
    assert organisation["data"]["team"] is None
    assert organisation["data"]["recipients"] == sorted([NETWORK_LEAD, CHINESE_LEAD])


async def test_running_again_publishes_nothing_until_a_period_ends(
    reports: ReportsHarness,
) -> None:
    await publish(reports)
    assert await publish(reports) == []
    reports.clock.advance(4 * 24 * HOUR)  # Sunday: still the same week
    assert await publish(reports) == []
    assert len(await reports.published()) == 9
    reports.clock.now = NOW + timedelta(days=5)  # Monday 2025-06-23: last week has ended
    again = await publish(reports)
    rows = await reports.fetch(
        "SELECT kind, period_start FROM reports WHERE report_id = ANY($1)", again
    )
    assert {(r["kind"], r["period_start"]) for r in rows} == {
        ("weekly", LAST_WEEK + timedelta(days=7))
    }
    assert len(again) == 3
    assert len(await reports.published()) == 12


async def test_replicas_racing_store_and_announce_each_report_once(
    reports: ReportsHarness,
) -> None:
    outcomes = await asyncio.gather(*(publish(reports) for _ in range(3)))
    assert sum(len(o) for o in outcomes) == 9
    rows = await reports.fetch("SELECT kind, team FROM reports")
    assert len(rows) == len({(r["kind"], r["team"]) for r in rows}) == 9
    assert len(await reports.published()) == 9


async def test_the_worker_publishes_on_its_schedule(reports: ReportsHarness) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(run_reports(reports.runtime, stop))
    try:
        events = await eventually(
            lambda: _at_least(reports, 9), what="the worker's nine reports", within=30
        )
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=10)
    assert len(events) == 9
    assert {e["data"]["period_start"][:10] for e in events} == {
        LAST_WEEK.date().isoformat(),
        "2025-05-01",
        "2025-01-01",
    }
    assert WEEK_BEFORE.date().isoformat() not in {e["data"]["period_start"][:10] for e in events}


async def _at_least(reports: ReportsHarness, count: int) -> list[dict[str, Any]]:
    events = await reports.published()
    return events if len(events) >= count else []


async def test_a_period_is_reported_only_once_its_grace_has_passed(
    reports: ReportsHarness,
) -> None:
    await publish(reports)
    monday = LAST_WEEK + timedelta(days=14)  # 2025-06-23 00:00: the week of the 16th has ended
    async with reports.pool.acquire() as conn:
        early = await publish_due_reports(
            conn=conn, now=monday + timedelta(minutes=30), grace=timedelta(hours=1)
        )
        on_time = await publish_due_reports(
            conn=conn, now=monday + timedelta(hours=1), grace=timedelta(hours=1)
        )
    assert early == []
    rows = await reports.fetch(
        "SELECT kind, period_start FROM reports WHERE report_id = ANY($1)", on_time
    )
    assert {(r["kind"], r["period_start"]) for r in rows} == {
        ("weekly", monday - timedelta(days=7))
    }


async def test_nothing_is_due_while_no_team_is_known(reports: ReportsHarness) -> None:
    async with reports.pool.acquire() as conn:
        await conn.execute("TRUNCATE teams")  # as a rebuild does before it replays
    assert await publish(reports) == []
    assert await reports.published() == []
