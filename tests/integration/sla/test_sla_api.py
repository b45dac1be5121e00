"""SLA's HTTP API in-process over the real Postgres: policies, calendars, clocks and report."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.integration.sla.conftest import SlaHarness
from ticketflow_common.events import TicketCommented, TicketStatusChanged
from ticketflow_sla.commands.timers import fire_due_timers

pytestmark = pytest.mark.integration

ICAL = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//tests//holidays//EN
BEGIN:VEVENT
UID:xmas@tests
DTSTART;VALUE=DATE:20251224
DTEND;VALUE=DATE:20251227
SUMMARY:Christmas
END:VEVENT
BEGIN:VEVENT
UID:ny@tests
DTSTART;VALUE=DATE:20260101
SUMMARY:New Year
END:VEVENT
END:VCALENDAR
"""


async def test_ticket_clocks_show_state_deadline_remaining_and_pauses(
    sla: SlaHarness, api: httpx.AsyncClient
) -> None:
    created = sla.created(priority="urgent")
    await sla.deliver(created)
    start = sla.clock()
    sla.clock.advance(100)
    await sla.deliver(
        TicketStatusChanged(
            **sla.facts(created, status="waiting_on_customer"),
            previous_status="new",
            actor_id="a",
            actor_role="agent",
            changed_at=sla.clock(),
        )
    )
    sla.clock.advance(50)

    got = await api.get(f"/tickets/{created.ticket_id}/sla")
    assert got.status_code == 200, got.text
    first = next(c for c in got.json()["items"] if c["metric"] == "first_response")
    assert first["state"] == "paused"
    assert first["due_at"] is None
    assert first["business_seconds_used"] == 100
    assert first["business_seconds_remaining"] == 500
    assert first["pauses"] == [
        {
            "paused_at": (start + timedelta(seconds=100)).isoformat().replace("+00:00", "Z"),
            "resumed_at": None,
            "reason": "waiting_on_customer",
        }
    ]

    sla.clock.advance(10)
    await sla.deliver(
        TicketStatusChanged(
            **sla.facts(created, status="open"),
            previous_status="waiting_on_customer",
            actor_id="a",
            actor_role="agent",
            changed_at=sla.clock(),
        )
    )
    sla.clock.advance(1000)
    got = await api.get(f"/tickets/{created.ticket_id}/sla")
    first = next(c for c in got.json()["items"] if c["metric"] == "first_response")
    assert first["state"] == "running"  # the timer loop has not marked it breached yet
    assert first["business_seconds_overdue"] == 500
    assert first["pauses"][0]["resumed_at"] is not None


async def test_policy_api_validates_and_names_the_field(api: httpx.AsyncClient) -> None:
    compatible = await api.put(
        "/policies/urgent",
        json={"position": 10, "priority": "urgent", "first_response_seconds": 2},
    )
    assert compatible.status_code == 200, compatible.text
    assert compatible.json()["priority"] == ["urgent"]
    assert compatible.json()["calendar"] == "24x7"
    assert [w["fraction"] for w in compatible.json()["warnings"]] == [0.5, 0.75]

    cases = {
        ("body", "calendar"): {"position": 5, "resolution_seconds": 60, "calendar": "nope"},
        ("body", "escalation_policy"): {
            "position": 5,
            "resolution_seconds": 60,
            "escalation_policy": "nope",
        },
        ("body",): {"position": 5},
        ("body", "warnings", 0): {
            "position": 5,
            "resolution_seconds": 60,
            "warnings": [{"fraction": 0.5, "minutes_before": 5}],
        },
    }
    for loc, body in cases.items():
        bad = await api.put("/policies/vip", json=body)
        assert bad.status_code == 422, bad.text
        field = ".".join(str(part) for part in loc[1:]) or "body"
        assert bad.json()["errors"][0]["field"].startswith(field), bad.text
    taken = await api.put("/policies/vip", json={"position": 10, "resolution_seconds": 60})
    assert taken.status_code == 409
    assert taken.json()["errors"][0]["field"] == "position"
    names = [p["name"] for p in (await api.get("/policies")).json()["items"]]
    assert "vip" not in names


async def test_calendar_with_hours_and_holidays_from_icalendar(api: httpx.AsyncClient) -> None:
    office = {
        "time_zone": "Europe/Berlin",
        "week": {
            day: [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
        },
    }
    put = await api.put("/calendars/office", json=office)
    assert put.status_code == 200, put.text
    imported = await api.post(
        "/calendars/office/holidays/ical", content=ICAL, headers={"Content-Type": "text/calendar"}
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["holidays"] == [
        {"first_day": "2025-12-24", "last_day": "2025-12-26", "name": "Christmas"},
        {"first_day": "2026-01-01", "last_day": "2026-01-01", "name": "New Year"},
    ]
    again = await api.post(
        "/calendars/office/holidays/ical", content=ICAL, headers={"Content-Type": "text/calendar"}
    )
    assert len(again.json()["holidays"]) == 2

    overlapping = {
        "week": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]}
    }
    bad = await api.put("/calendars/office", json=overlapping)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].startswith("week")
    bad_zone = await api.put("/calendars/x", json={**office, "time_zone": "Mars/Olympus"})
    assert bad_zone.json()["errors"][0]["field"] == "time_zone"
    not_ical = await api.post(
        "/calendars/office/holidays/ical",
        content=b"hello",
        headers={"Content-Type": "text/calendar"},
    )
    assert not_ical.status_code == 422


async def test_achievement_report_per_policy_team_and_metric(
    sla: SlaHarness, api: httpx.AsyncClient
) -> None:
    for reply_after in (60, 120, 900):  # the last breaches the 600 s urgent target
        created = sla.created(priority="urgent", team="network")
        await sla.deliver(created)
        sla.clock.advance(reply_after)
        async with sla.pool.acquire() as conn:
            await fire_due_timers(conn=conn, now=sla.clock(), limit=100)
        await sla.deliver(
            TicketCommented(
                **sla.facts(created),
                comment_id=created.ticket_id,
                author_id="a",
                author_role="agent",
                public=True,
                first_response=True,
                commented_at=sla.clock(),
            )
        )
    since = datetime(2025, 6, 1, tzinfo=UTC).isoformat()
    got = await api.get("/reports/achievement", params={"since": since})
    assert got.status_code == 200, got.text
    rows = {(r["policy"], r["team"], r["metric"]): r for r in got.json()["items"]}
    first = rows[("urgent", "network", "first_response")]
    assert (first["met"], first["breached"], first["in_progress"]) == (2, 1, 0)
    assert first["achievement_ratio"] == pytest.approx(2 / 3)
    assert first["p50_business_seconds"] == 120
    assert first["p90_business_seconds"] == pytest.approx(120 + 0.8 * (900 - 120))
    assert rows[("urgent", "network", "resolution")]["in_progress"] == 3
    bad = await api.get("/reports/achievement", params={"since": since, "until": since})
    assert bad.status_code == 422


async def test_clock_rules_are_stored_and_a_status_gets_one_rule(api: httpx.AsyncClient) -> None:
    rules = {"pause_on": [], "reset_on": ["in_progress"]}
    stored = await api.put(
        "/policies/resetting",
        json={"position": 7, "resolution_seconds": 60, "clock_rules": rules},
    )
    assert stored.status_code == 200, stored.text
    assert stored.json()["clock_rules"] == {
        "pause_on": [],
        "resolve_on": ["resolved"],
        "cancel_on": ["closed"],
        "reset_on": ["in_progress"],
    }
    clash = await api.put(
        "/policies/clash",
        json={"position": 8, "resolution_seconds": 60, "clock_rules": {"pause_on": ["resolved"]}},
    )
    assert clash.status_code == 422
    assert clash.json()["errors"][0]["field"] == "clock_rules"
    assert "'resolved' is in both" in clash.json()["errors"][0]["reason"]
