"""Holidays from iCalendar uploads and country presets through SLA's HTTP API over the real
Postgres: recurring and multi-day events expanded, every refusal a 422 that changes nothing."""

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

OFFICE = {
    "time_zone": "Asia/Shanghai",
    "week": {day: [{"start": "09:00", "end": "18:00"}] for day in ("monday", "friday")},
}
ICS = {"Content-Type": "text/calendar"}


def ics(*events: list[str]) -> bytes:
    body = "".join("BEGIN:VEVENT\r\n" + "\r\n".join(e) + "\r\nEND:VEVENT\r\n" for e in events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


async def office(api: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    put = await api.put("/calendars/office", json={**OFFICE, **changes})
    assert put.status_code == 200, put.text
    stored: dict[str, Any] = put.json()
    return stored


async def stored_office(api: httpx.AsyncClient) -> dict[str, Any]:
    listing = await api.get("/calendars")
    return next(c for c in listing.json()["items"] if c["name"] == "office")


async def test_recurring_and_multi_day_events_are_expanded_over_the_horizon(
    api: httpx.AsyncClient,
) -> None:
    await office(api)
    xmas = ["UID:xmas", "DTSTART;VALUE=DATE:20201225", "RRULE:FREQ=YEARLY", "SUMMARY:Christmas"]
    golden = [
        "UID:golden",
        "DTSTART;VALUE=DATE:20251001",
        "DTEND;VALUE=DATE:20251004",
        "SUMMARY:国庆节",
    ]
    imported = await api.post(
        "/calendars/office/holidays/ical", content=ics(xmas, golden), headers=ICS
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["holidays"] == [
        {"first_day": "2025-10-01", "last_day": "2025-10-03", "name": "国庆节"},
        {"first_day": "2025-12-25", "last_day": "2025-12-25", "name": "Christmas"},
        {"first_day": "2026-12-25", "last_day": "2026-12-25", "name": "Christmas"},
        {"first_day": "2027-12-25", "last_day": "2027-12-25", "name": "Christmas"},
    ]
    later = await api.post(
        "/calendars/office/holidays/ical?from=2030-01-01&years=1", content=ics(xmas), headers=ICS
    )
    assert later.status_code == 200, later.text
    assert [h["first_day"] for h in later.json()["holidays"]][-1] == "2030-12-25"
    assert (await stored_office(api))["holidays"] == later.json()["holidays"]


@pytest.mark.parametrize(
    ("query", "lines", "field", "reason"),
    [
        ("", ["DTSTART;VALUE=DATE:20251340"], "ical.VEVENT[e].DTSTART", "invalid value"),
        (
            "",
            ["DTSTART;VALUE=DATE:20250101", "DTEND;VALUE=DATE:20270101"],
            "ical.VEVENT[e]",
            "at most 366 days",
        ),
        ("", ["DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=DAILY"], "ical", "more than 1000"),
        (
            "",
            ["DTSTART;VALUE=DATE:20251001", "SUMMARY:国庆\x00节"],
            "ical.VEVENT[e].SUMMARY",
            "NUL",
        ),
        ("", ["DTSTART:20251224T090000Z", "DTEND:20251224T170000Z"], "ical.VEVENT[e]", "whole"),
        ("", ["DTSTART:20250101T000000Z", "RRULE:FREQ=SECONDLY"], "ical.VEVENT[e].RRULE", "FREQ"),
        ("?from=9999-01-01", ["DTSTART;VALUE=DATE:20250101"], "query:from", "a year from"),
        ("?years=11", ["DTSTART;VALUE=DATE:20250101"], "query:years", "10"),
    ],
)
async def test_uploads_that_cannot_become_holidays_are_422_and_change_nothing(
    api: httpx.AsyncClient, query: str, lines: list[str], field: str, reason: str
) -> None:
    before = await office(api, holidays=[{"first_day": "2025-05-01", "name": "Labour Day"}])
    refused = await api.post(
        f"/calendars/office/holidays/ical{query}", content=ics(["UID:e", *lines]), headers=ICS
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    [error] = refused.json()["errors"]
    assert error["field"] == field
    assert reason in error["reason"]
    assert await stored_office(api) == before


async def test_the_merged_calendar_keeps_the_limit_put_accepts(api: httpx.AsyncClient) -> None:
    days = [{"first_day": f"2024-{m:02}-{d:02}"} for m in range(1, 13) for d in range(1, 29)]
    many = [{"first_day": f"{y}-01-01"} for y in range(3001, 3001 + 1000 - len(days))]
    before = await office(api, holidays=days + many)
    assert len(before["holidays"]) == 1000
    refused = await api.post(
        "/calendars/office/holidays/ical",
        content=ics(["UID:e", "DTSTART;VALUE=DATE:20250101"]),
        headers=ICS,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        {"field": "ical", "reason": "the calendar would hold 1001 holidays; at most 1000"}
    ]
    assert await stored_office(api) == before


async def test_country_presets_add_public_holidays_with_their_own_names(
    api: httpx.AsyncClient,
) -> None:
    await office(api)
    china = await api.post(
        "/calendars/office/holidays/preset", json={"country": "CN", "years": [2026]}
    )
    assert china.status_code == 200, china.text
    assert {"first_day": "2026-10-01", "last_day": "2026-10-03", "name": "国庆节"} in (
        china.json()["holidays"]
    )
    again = await api.post(
        "/calendars/office/holidays/preset", json={"country": "CN", "years": [2026]}
    )
    assert again.json()["holidays"] == china.json()["holidays"]
    assert (await stored_office(api))["holidays"] == china.json()["holidays"]
    default_years = await api.post(
        "/calendars/office/holidays/preset", json={"country": "DE", "subdivision": "BY"}
    )
    assert {h["first_day"] for h in default_years.json()["holidays"]} >= {
        "2025-01-06",
        "2027-01-06",
    }

    before = await stored_office(api)
    for body, field in [
        ({"country": "XX"}, "country"),
        ({"country": "DE", "subdivision": "ZZ"}, "subdivision"),
        ({"country": "US", "years": [1066]}, "years"),
        ({"country": "cn"}, "country"),
    ]:
        refused = await api.post("/calendars/office/holidays/preset", json=body)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field
    assert await stored_office(api) == before
    missing = await api.post("/calendars/nowhere/holidays/preset", json={"country": "CN"})
    assert missing.status_code == 404
