"""Holidays from iCalendar files as people write them, and from country presets: pure rules."""

from datetime import date

import pytest

from ticketflow_sla.domain.calendars import MAX_HOLIDAYS
from ticketflow_sla.domain.holiday_import import Horizon, ICalendarError, holidays_from_ical
from ticketflow_sla.domain.holiday_presets import HolidayPreset, PresetError, holidays_from_preset

HORIZON = Horizon.of(date(2025, 1, 1), 3)


def ics(*events: list[str]) -> bytes:
    """A VCALENDAR with one VEVENT per list of content lines."""
    body = "".join("BEGIN:VEVENT\r\n" + "\r\n".join(e) + "\r\nEND:VEVENT\r\n" for e in events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


def days(raw: bytes, time_zone: str = "Europe/Berlin") -> list[tuple[str, str, str | None]]:
    found = holidays_from_ical(raw, horizon=HORIZON, time_zone=time_zone)
    return [(h.first_day.isoformat(), h.last.isoformat(), h.name) for h in found]


def refusal(raw: bytes, time_zone: str = "Europe/Berlin") -> tuple[str, str]:
    with pytest.raises(ICalendarError) as caught:
        holidays_from_ical(raw, horizon=HORIZON, time_zone=time_zone)
    return caught.value.field, caught.value.reason


XMAS = ["UID:xmas", "DTSTART;VALUE=DATE:20201225", "RRULE:FREQ=YEARLY", "SUMMARY:Christmas"]


def test_a_yearly_christmas_occurs_in_every_year_of_the_horizon() -> None:
    assert days(ics(XMAS)) == [
        ("2025-12-25", "2025-12-25", "Christmas"),
        ("2026-12-25", "2026-12-25", "Christmas"),
        ("2027-12-25", "2027-12-25", "Christmas"),
    ]


def test_exdate_removes_an_occurrence_and_rdate_adds_one() -> None:
    event = [*XMAS, "EXDATE;VALUE=DATE:20261225", "RDATE;VALUE=DATE:20260101"]
    assert days(ics(event)) == [
        ("2025-12-25", "2025-12-25", "Christmas"),
        ("2026-01-01", "2026-01-01", "Christmas"),
        ("2027-12-25", "2027-12-25", "Christmas"),
    ]


def test_multi_day_events_by_dtend_or_duration_are_one_range() -> None:
    by_end = ["UID:a", "DTSTART;VALUE=DATE:20251224", "DTEND;VALUE=DATE:20251227", "SUMMARY:X"]
    by_duration = ["UID:b", "DTSTART;VALUE=DATE:20250501", "DURATION:P2D", "SUMMARY:May"]
    assert days(ics(by_end, by_duration)) == [
        ("2025-05-01", "2025-05-02", "May"),
        ("2025-12-24", "2025-12-26", "X"),
    ]


def test_a_recurring_multi_day_event_and_a_rule_with_ordinal_weekdays() -> None:
    carnival = ["UID:c", "DTSTART;VALUE=DATE:20250303", "DURATION:P2D", "RRULE:FREQ=YEARLY"]
    thanksgiving = [
        "UID:t",
        "DTSTART;VALUE=DATE:20001123",
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
    ]
    assert days(ics(carnival, thanksgiving)) == [
        ("2025-03-03", "2025-03-04", None),
        ("2025-11-27", "2025-11-27", None),
        ("2026-03-03", "2026-03-04", None),
        ("2026-11-26", "2026-11-26", None),
        ("2027-03-03", "2027-03-04", None),
        ("2027-11-25", "2027-11-25", None),
    ]


def test_only_occurrences_within_the_horizon_count() -> None:
    old = ["UID:old", "DTSTART;VALUE=DATE:20201224"]
    assert days(ics(old, XMAS))[0] == ("2025-12-25", "2025-12-25", "Christmas")
    field, reason = refusal(ics(old))
    assert (field, reason) == (
        "ical",
        "no event occurs between 2025-01-01 and 2028-01-01 (exclusive)",
    )


def test_timed_events_count_when_they_span_whole_days_in_the_calendars_zone() -> None:
    utc_night = ["UID:u", "DTSTART:20251223T230000Z", "DTEND:20251225T230000Z"]
    floating = ["UID:f", "DTSTART:20250501T000000", "DTEND:20250502T000000"]
    assert days(ics(utc_night, floating)) == [
        ("2025-05-01", "2025-05-01", None),
        ("2025-12-24", "2025-12-25", None),
    ]
    meeting = ["UID:m@x", "DTSTART:20251224T090000Z", "DTEND:20251224T170000Z"]
    field, reason = refusal(ics(meeting))
    assert field == "ical.VEVENT[m@x]"
    assert "does not span whole days in Europe/Berlin" in reason


@pytest.mark.parametrize(
    ("lines", "field", "reason"),
    [
        (["DTSTART;VALUE=DATE:20251340"], "ical.VEVENT[e].DTSTART", "invalid value"),
        (["SUMMARY:x"], "ical.VEVENT[e].DTSTART", "missing"),
        (
            ["DTSTART;VALUE=DATE:20251224", "DTEND;VALUE=DATE:20251220"],
            "ical.VEVENT[e].DTEND",
            "is before DTSTART",
        ),
        (
            ["DTSTART;VALUE=DATE:20251224", "DTEND:20251225T000000Z"],
            "ical.VEVENT[e].DTEND",
            "same type",
        ),
        (["DTSTART;VALUE=DATE:20251224", "DURATION:PT5H"], "ical.VEVENT[e].DURATION", "whole"),
        (
            ["DTSTART;VALUE=DATE:20250101", "DTEND;VALUE=DATE:20270101"],
            "ical.VEVENT[e]",
            "at most 366 days",
        ),
        (
            ["DTSTART;VALUE=DATE:20250101", "SUMMARY:Null\x00day"],
            "ical.VEVENT[e].SUMMARY",
            "NUL",
        ),
        (
            ["DTSTART;VALUE=DATE:20250101", "SUMMARY:Bell\x07day"],
            "ical.VEVENT[e].SUMMARY",
            "control character",
        ),
        (["DTSTART:20250101T000000Z", "RRULE:FREQ=MINUTELY"], "ical.VEVENT[e].RRULE", "FREQ"),
        (
            ["DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"],
            "ical.VEVENT[e].RRULE",
            "BYMONTHDAY needs",
        ),
        (
            ["DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"],
            "ical.VEVENT[e].RRULE",
            "no existing day",
        ),
        (
            ["DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=YEARLY;BYMONTH=13"],
            "ical.VEVENT[e].RRULE",
            "BYMONTH values",
        ),
        (
            ["DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=MONTHLY;BYDAY=6MO"],
            "ical.VEVENT[e].RRULE",
            "BYDAY numbers",
        ),
        (
            ["DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6"],
            "ical.VEVENT[e].RRULE",
            "BYSETPOS",
        ),
        (["DTSTART;VALUE=DATE:00010101", "RRULE:FREQ=DAILY"], "ical", "take too long"),
        (["DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=DAILY"], "ical", "more than 1000"),
        (["DTSTART;VALUE=DATE:99991231", "RRULE:FREQ=YEARLY"], "ical.VEVENT[e]", "expanded"),
        (
            ["DTSTART;VALUE=DATE:20250101", "DTSTART;VALUE=DATE:20250105"],
            "ical.VEVENT[e].DTSTART",
            "more than once",
        ),
        (["DTSTART;VALUE=DATE:20250101", "EXDATE:garbage"], "ical.VEVENT[e].EXDATE", "invalid"),
    ],
)
def test_what_cannot_become_holidays_is_refused_naming_the_event_and_reason(
    lines: list[str], field: str, reason: str
) -> None:
    found_field, found_reason = refusal(ics(["UID:e", *lines]))
    assert found_field == field
    assert reason in found_reason


@pytest.mark.parametrize("raw", [b"", b"hello", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"])
def test_what_is_not_an_icalendar_file_with_events_is_refused(raw: bytes) -> None:
    assert refusal(raw)[0] == "ical"


def test_rules_that_would_never_match_are_refused_before_they_are_expanded() -> None:
    """dateutil would search up to the year 9999 for these (seconds each): refused up front."""
    never = [
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6",
        "RRULE:FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=15",
        "RRULE:FREQ=YEARLY;BYYEARDAY=1;BYMONTH=2",
    ]
    for rule in never:
        assert refusal(ics(["UID:e", "DTSTART;VALUE=DATE:20250101", rule]))[0].endswith("RRULE")


def test_a_uid_names_the_field_printably() -> None:
    field, _ = refusal(ics(["UID:a\x00b", "DTSTART;VALUE=DATE:20251340"]))
    assert field == "ical.VEVENT[a\\x00b].DTSTART"


def test_events_without_uid_stay_apart_and_chinese_names_are_kept() -> None:
    first = ["DTSTART;VALUE=DATE:20251001", "DTEND;VALUE=DATE:20251004", "SUMMARY:国庆节"]
    second = ["DTSTART;VALUE=DATE:20251006", "SUMMARY:  中秋节 \\n 假期 "]
    assert days(ics(first, second), "Asia/Shanghai") == [
        ("2025-10-01", "2025-10-03", "国庆节"),
        ("2025-10-06", "2025-10-06", "中秋节 假期"),
    ]


def test_presets_come_from_the_holidays_package_in_the_countrys_language() -> None:
    china = holidays_from_preset(HolidayPreset(country="CN"), years=[2026])
    national_day = next(h for h in china if h.first_day == date(2026, 10, 1))
    assert (national_day.last, national_day.name) == (date(2026, 10, 3), "国庆节")
    bavaria = holidays_from_preset(
        HolidayPreset(country="DE", subdivision="BY", language="en_US"), years=[2026]
    )
    assert (date(2026, 1, 6), "Epiphany") in {(h.first_day, h.name) for h in bavaria}
    usa = holidays_from_preset(HolidayPreset(country="US"), years=[2026, 2027])
    assert {h.first_day for h in usa} >= {date(2026, 7, 4), date(2027, 11, 25)}
    assert len(usa) < MAX_HOLIDAYS


@pytest.mark.parametrize(
    ("preset", "years", "field"),
    [
        (HolidayPreset(country="XX"), [2026], "country"),
        (HolidayPreset(country="DE", subdivision="ZZ"), [2026], "subdivision"),
        (HolidayPreset(country="DE", language="zh_CN"), [2026], "language"),
        (HolidayPreset(country="DE"), [1066], "years"),
    ],
)
def test_unknown_presets_are_refused_naming_the_field(
    preset: HolidayPreset, years: list[int], field: str
) -> None:
    with pytest.raises(PresetError) as caught:
        holidays_from_preset(preset, years=years)
    assert caught.value.field == field
