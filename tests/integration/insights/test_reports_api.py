"""The reports API on the real Postgres: the list, each report as JSON, CSV and HTML with their
content types, who may read which, and generating one on demand."""

import csv
import io
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.integration.paging import assert_bad_cursor_refused, walk_pages
from tests.support.insights_reports import (
    CHINESE_NAME,
    CHINESE_TEAM,
    LAST_WEEK,
    ReportsHarness,
    reports_harness,
)
from ticketflow_insights.commands.reports import publish_due_reports


@pytest.fixture
async def reports(database_url: str, kafka_bootstrap: str) -> AsyncIterator[ReportsHarness]:
    async for harness in reports_harness(database_url, kafka_bootstrap):
        async with harness.pool.acquire() as conn:
            await publish_due_reports(conn=conn, now=harness.clock())
        yield harness


@pytest.fixture
async def admin(reports: ReportsHarness) -> AsyncIterator[httpx.AsyncClient]:
    async with reports.client_as(None) as client:
        yield client


async def report_id(reports: ReportsHarness, kind: str, team: str | None) -> str:
    rows = await reports.fetch(
        "SELECT report_id FROM reports WHERE kind = $1 AND team IS NOT DISTINCT FROM $2",
        kind,
        team,
    )
    return str(rows[0]["report_id"])


async def test_the_list_is_newest_first_and_filters(admin: httpx.AsyncClient) -> None:
    everything = (await admin.get("/reports")).json()["items"]
    assert len(everything) == 9
    starts = [r["period_start"] for r in everything]
    assert starts == sorted(starts, reverse=True)
    weekly = (await admin.get("/reports", params={"kind": "weekly"})).json()["items"]
    assert {r["team"] for r in weekly} == {"network", CHINESE_TEAM, None}
    network = (await admin.get("/reports", params={"team": "network"})).json()["items"]
    assert {r["kind"] for r in network} == {"weekly", "monthly", "quarterly"}
    assert network[0]["links"]["html"] == f"/reports/{network[0]['report_id']}.html"
    organisation = (await admin.get("/reports", params={"organisation": "true"})).json()["items"]
    assert {r["team"] for r in organisation} == {None}
    assert len((await admin.get("/reports", params={"limit": 2})).json()["items"]) == 2
    walked = await walk_pages(admin, "/reports", key=lambda r: r["report_id"], limit=1)
    assert walked == everything
    await assert_bad_cursor_refused(admin, "/reports")


async def test_bad_list_queries_name_the_field(admin: httpx.AsyncClient) -> None:
    unknown = await admin.get("/reports", params={"team": "nobody"})
    assert unknown.status_code == 404
    assert (await admin.get("/reports", params={"kind": "daily"})).status_code == 422
    assert (await admin.get("/reports", params={"limit": 0})).status_code == 422


async def test_one_report_as_json_csv_and_html(
    reports: ReportsHarness, admin: httpx.AsyncClient
) -> None:
    found = await report_id(reports, "weekly", CHINESE_TEAM)
    document = await admin.get(f"/reports/{found}")
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/json"
    body = document.json()
    assert body["report_id"] == found
    assert body["team_name"] == CHINESE_NAME
    assert body["period_start"].startswith(LAST_WEEK.date().isoformat())

    table = await admin.get(f"/reports/{found}.csv")
    assert table.status_code == 200
    assert table.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert list(rows[0]) == ["name", "value", "target", "previous", "unit", "met"]
    assert {r["name"]: r["value"] for r in rows}["handled"] == "2.0"

    page = await admin.get(f"/reports/{found}.html")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert CHINESE_NAME.encode() in page.content  # UTF-8 on the wire
    assert page.text.count("<svg") == 2


async def test_unknown_reports_are_404_and_bad_ids_422(admin: httpx.AsyncClient) -> None:
    missing = uuid.uuid4()
    for suffix in ("", ".csv", ".html"):
        answer = await admin.get(f"/reports/{missing}{suffix}")
        assert answer.status_code == 404, suffix
        assert str(missing) in answer.json()["detail"]
    assert (await admin.get("/reports/not-a-uuid.csv")).status_code == 422


async def test_a_lead_reads_their_teams_and_the_organisations_reports(
    reports: ReportsHarness,
) -> None:
    other = await report_id(reports, "weekly", CHINESE_TEAM)
    own = await report_id(reports, "weekly", "network")
    whole = await report_id(reports, "monthly", None)
    assert reports.people is not None
    async with reports.client_as(reports.people.network_lead) as lead:
        listed = (await lead.get("/reports")).json()["items"]
        assert {r["team"] for r in listed} == {"network", None}
        assert (await lead.get(f"/reports/{own}.html")).status_code == 200
        assert (await lead.get(f"/reports/{whole}")).status_code == 200
        for suffix in ("", ".csv", ".html"):
            assert (await lead.get(f"/reports/{other}{suffix}")).status_code == 403
        assert (await lead.get("/reports", params={"team": CHINESE_TEAM})).status_code == 403


async def test_agents_read_no_reports(reports: ReportsHarness) -> None:
    whole = await report_id(reports, "weekly", None)
    assert reports.people is not None
    async with reports.client_as(reports.people.agent) as agent:
        assert (await agent.get("/reports")).status_code == 403
        assert (await agent.get(f"/reports/{whole}")).status_code == 403


async def test_an_admin_regenerates_a_report_in_place_and_it_is_announced_again(
    reports: ReportsHarness, admin: httpx.AsyncClient
) -> None:
    existing = await report_id(reports, "weekly", "network")
    before = len(await reports.published())
    answer = await admin.post(
        "/reports", json={"kind": "weekly", "team": "network", "at": "2025-06-11T12:00:00Z"}
    )
    assert answer.status_code == 201
    assert answer.json()["report_id"] == existing
    assert answer.json()["published_at"].startswith("2025-06-18T09:00:00")
    events = await reports.published()
    assert len(events) == before + 1
    assert events[-1]["subject"] == existing
    rows = await reports.fetch("SELECT count(*) AS n FROM reports WHERE kind = 'weekly'")
    assert rows[0]["n"] == 3


async def test_an_admin_generates_an_earlier_period_on_demand(
    reports: ReportsHarness, admin: httpx.AsyncClient
) -> None:
    answer = await admin.post(
        "/reports", json={"kind": "weekly", "team": None, "at": "2025-06-03T00:00:00Z"}
    )
    assert answer.status_code == 201
    figures = {f["name"]: f for f in answer.json()["figures"]}
    assert figures["handled"]["value"] == 4
    assert len((await admin.get("/reports", params={"kind": "weekly"})).json()["items"]) == 4


async def test_generating_is_for_admins_and_ended_periods_of_known_teams(
    reports: ReportsHarness, admin: httpx.AsyncClient
) -> None:
    body = {"kind": "weekly", "team": "network", "at": "2025-06-11T12:00:00Z"}
    assert reports.people is not None
    async with reports.client_as(reports.people.network_lead) as lead:
        assert (await lead.post("/reports", json=body)).status_code == 403
    running = await admin.post("/reports", json={**body, "at": "2025-06-17T12:00:00Z"})
    assert running.status_code == 422
    assert running.json()["errors"][0]["field"] == "body:at"
    assert (await admin.post("/reports", json={**body, "team": "nobody"})).status_code == 404
    assert (await admin.post("/reports", json={**body, "kind": "daily"})).status_code == 422
    naive = await admin.post("/reports", json={**body, "at": "2025-06-11T12:00:00"})
    assert naive.status_code == 422
