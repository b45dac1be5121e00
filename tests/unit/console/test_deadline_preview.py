"""The deadline preview counts a policy's targets in its calendar's business time, as sla's
clocks do: office hours skip the night, the weekend and holidays; 24x7 counts every second."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ticketflow_console.domain.deadline_preview import (
    calendar_of,
    policy_calendar,
    preview_deadlines,
)

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = {
    "name": "office",
    "time_zone": "Europe/Berlin",
    "week": {
        day: [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    },
    "holidays": [{"first_day": "2026-12-24", "last_day": "2026-12-26", "name": "Christmas"}],
}
POLICY = {
    "name": "normal",
    "calendar": "office",
    "first_response_seconds": 4 * 3600,
    "next_response_seconds": None,
    "resolution_seconds": 3 * 7 * 3600,
}


def test_targets_are_counted_in_working_hours_across_lunch_the_night_and_the_weekend() -> None:
    friday_ten = datetime(2026, 3, 6, 10, tzinfo=BERLIN)
    deadlines = preview_deadlines(POLICY, policy_calendar(POLICY, [OFFICE]), start=friday_ten)
    assert [d.metric for d in deadlines] == ["first_response", "resolution"]
    first, resolution = deadlines
    assert first.due_at == datetime(2026, 3, 6, 15, tzinfo=BERLIN), "2 h before lunch, 2 after"
    assert resolution.due_at == datetime(2026, 3, 11, 10, tzinfo=BERLIN), "21 h: Fri 5, Mon-Tue 14"


def test_holidays_count_nothing() -> None:
    before_christmas = datetime(2026, 12, 23, 16, tzinfo=BERLIN)
    first, _ = preview_deadlines(POLICY, calendar_of(OFFICE), start=before_christmas)
    assert first.due_at == datetime(2026, 12, 28, 12, tzinfo=BERLIN)


def test_an_unknown_or_unnamed_calendar_counts_24x7_as_sla_does() -> None:
    start = datetime(2026, 3, 7, 22, tzinfo=UTC)
    for policy in ({**POLICY, "calendar": "missing"}, {**POLICY, "calendar": None}):
        first, _ = preview_deadlines(policy, policy_calendar(policy, [OFFICE]), start=start)
        assert first.due_at == datetime(2026, 3, 8, 2, tzinfo=UTC)


def test_a_calendar_without_working_hours_has_no_deadline() -> None:
    closed = {"name": "closed", "time_zone": "UTC", "week": {}}
    first, _ = preview_deadlines(
        POLICY, calendar_of(closed), start=datetime(2026, 3, 2, tzinfo=UTC)
    )
    assert first.due_at is None
