"""`calendar.changed`: creating, replacing, adding holidays to and archiving a calendar puts
it in the outbox with the change, so insights knows each desk's hours and closed days; a
refused change announces nothing."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from tests.integration.sla.conftest import SlaHarness
from ticketflow_common.db import create_pool
from ticketflow_common.events import CalendarChanged
from ticketflow_common.migrations import apply_migrations, service_migrations

pytestmark = pytest.mark.integration

OFFICE = {
    "time_zone": "Asia/Shanghai",
    "week": {
        "monday": [{"start": "13:00", "end": "18:00"}, {"start": "09:00", "end": "12:00"}],
        "friday": [{"start": "09:00", "end": "15:00"}],
    },
    "holidays": [
        {"first_day": "2025-10-01", "last_day": "2025-10-07", "name": "国庆节"},
        {"first_day": "2025-06-02", "name": "端午节"},
    ],
}
ICS = {"Content-Type": "text/calendar"}
XMAS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:xmas\r\n"
    b"DTSTART;VALUE=DATE:20201225\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)


async def calendar_events(sla: SlaHarness, name: str) -> list[dict[str, Any]]:
    """The `calendar.changed` envelopes committed for one calendar, oldest first."""
    return [e for e in await sla.outbox(name) if e["type"] == "calendar.changed"]


def changed(envelope: dict[str, Any]) -> CalendarChanged:
    return CalendarChanged.model_validate(envelope["data"])


async def test_a_new_calendar_is_announced_with_its_week_and_holidays(
    api: httpx.AsyncClient, sla: SlaHarness
) -> None:
    put = await api.put("/calendars/office", json=OFFICE)
    assert put.status_code == 200, put.text
    [envelope] = await calendar_events(sla, "office")
    assert (envelope["subject"], envelope["source"]) == ("office", "/ticketflow/sla")
    assert envelope["data"] == {
        "name": "office",
        "change": "created",
        "time_zone": "Asia/Shanghai",
        "always_open": False,
        "week": {
            "mon": [["09:00", "12:00"], ["13:00", "18:00"]],
            "tue": [],
            "wed": [],
            "thu": [],
            "fri": [["09:00", "15:00"]],
            "sat": [],
            "sun": [],
        },
        "holidays": [
            {"first_day": "2025-06-02", "last_day": "2025-06-02", "name": "端午节"},
            {"first_day": "2025-10-01", "last_day": "2025-10-07", "name": "国庆节"},
        ],
        "changed_at": sla.clock().isoformat().replace("+00:00", "Z"),
    }
    async with sla.pool.acquire() as conn:
        topic = await conn.fetchval("SELECT topic FROM outbox WHERE key = 'office'")
    assert topic == "sla.events.v1"

    sla.clock.advance(60)
    replaced = await api.put("/calendars/office", json={"time_zone": "UTC", "always_open": True})
    assert replaced.status_code == 200
    update = changed((await calendar_events(sla, "office"))[-1])
    assert (update.change, update.always_open, update.week, update.holidays) == (
        "updated",
        True,
        {},
        [],
    )
    assert update.changed_at == sla.clock()


async def test_recurring_and_preset_holidays_arrive_expanded_for_this_year_and_the_next(
    api: httpx.AsyncClient, sla: SlaHarness
) -> None:
    """The clock is in 2025: a yearly iCalendar event and a country's preset both reach
    insights as dated holidays in 2025 and 2026."""
    assert (await api.put("/calendars/office", json=OFFICE)).status_code == 200
    imported = await api.post("/calendars/office/holidays/ical", content=XMAS, headers=ICS)
    assert imported.status_code == 200, imported.text
    after_ical = changed((await calendar_events(sla, "office"))[-1])
    assert after_ical.change == "updated"
    christmas = [h.first_day for h in after_ical.holidays if h.name == "Christmas"]
    assert {date(2025, 12, 25), date(2026, 12, 25)} <= set(christmas)
    assert [h.first_day for h in after_ical.holidays] == sorted(
        h.first_day for h in after_ical.holidays
    )

    preset = await api.post("/calendars/office/holidays/preset", json={"country": "CN"})
    assert preset.status_code == 200, preset.text
    after_preset = changed((await calendar_events(sla, "office"))[-1])
    national_days = {h.first_day.year for h in after_preset.holidays if h.name == "国庆节"}
    assert {2025, 2026} <= national_days
    assert {(h.first_day, h.last_day) for h in after_ical.holidays} <= {
        (h.first_day, h.last_day) for h in after_preset.holidays
    }
    stored = (await api.get("/calendars")).json()["items"]
    office = next(c for c in stored if c["name"] == "office")
    assert len(office["holidays"]) == len(after_preset.holidays)


async def test_archiving_is_announced_and_refusals_announce_nothing(
    api: httpx.AsyncClient, sla: SlaHarness
) -> None:
    assert (await api.put("/calendars/office", json=OFFICE)).status_code == 200
    bad_ical = await api.post("/calendars/office/holidays/ical", content=b"nope", headers=ICS)
    assert bad_ical.status_code == 422
    bad_put = await api.put("/calendars/office", json={"time_zone": "UTC"})
    assert bad_put.status_code == 422
    desk = {"position": 50, "priority": "low", "resolution_seconds": 3600, "calendar": "office"}
    assert (await api.put("/policies/desk", json=desk)).status_code == 200
    assert (await api.delete("/calendars/office")).status_code == 409
    assert [e["data"]["change"] for e in await calendar_events(sla, "office")] == ["created"]

    assert (await api.delete("/policies/desk")).status_code == 204
    assert (await api.delete("/calendars/office")).status_code == 204
    archived = changed((await calendar_events(sla, "office"))[-1])
    assert (archived.change, archived.time_zone, len(archived.holidays)) == (
        "archived",
        "Asia/Shanghai",
        2,
    )
    assert (await api.delete("/calendars/office")).status_code == 404
    back = await api.put("/calendars/office", json=OFFICE)
    assert back.status_code == 200
    changes = [e["data"]["change"] for e in await calendar_events(sla, "office")]
    assert changes == ["created", "archived", "updated"]


async def test_the_migration_announces_the_calendars_that_exist_already(
    database_url: str,
) -> None:
    """The shipped calendars, and one from before with an open-ended holiday and one archived,
    are announced once each, as the API would announce them."""
    migrations = service_migrations("sla")
    last = next(i for i, m in enumerate(migrations) if m.name.endswith("0011_calendar_events.sql"))
    schema = f"sla_{uuid.uuid4().hex[:10]}"
    pool = await create_pool(dsn=database_url, schema=schema, max_size=2)
    try:
        async with pool.acquire() as conn:
            await apply_migrations(conn=conn, schema=schema, migrations=migrations[:last])
            insert = (
                "INSERT INTO calendars (name, time_zone, week, holidays, archived_at)"
                " VALUES ($1, $2, $3, $4, $5)"
            )
            sunday = {"sunday": [{"start": "10:00", "end": "24:00"}]}
            holidays = [
                {"first_day": "2026-10-01", "last_day": "2026-10-03", "name": "国庆节"},
                {"first_day": "2026-01-01", "last_day": None},
            ]
            await conn.execute(insert, "cn", "Asia/Shanghai", sunday, holidays, None)
            monday = {"monday": [{"start": "09:00", "end": "17:00"}]}
            await conn.execute(insert, "old", "UTC", monday, [], datetime.now(UTC))
            await apply_migrations(conn=conn, schema=schema, migrations=migrations)
            rows = await conn.fetch(
                "SELECT key, payload FROM outbox WHERE event_type = 'calendar.changed'"
            )
    finally:
        async with pool.acquire() as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await pool.close()
    found = {r["key"]: CalendarChanged.model_validate(r["payload"]["data"]) for r in rows}
    assert sorted(found) == ["24x7", "business-hours", "cn", "old"]
    assert (found["24x7"].always_open, found["24x7"].week) == (True, {})
    hours = found["business-hours"].week
    assert hours["mon"] == [("09:00", "17:00")]
    assert (hours["sat"], hours["sun"]) == ([], [])
    cn = found["cn"]
    assert (cn.change, cn.week["sun"]) == ("created", [("10:00", "24:00")])
    assert [(h.first_day, h.last_day, h.name) for h in cn.holidays] == [
        (date(2026, 1, 1), date(2026, 1, 1), None),
        (date(2026, 10, 1), date(2026, 10, 3), "国庆节"),
    ]
    assert found["old"].change == "archived"
