"""Time-based rules' arithmetic: what each anchor counts from, and due instants in business
time of sla's calendars (as `calendar.changed` tells them) across weekends, holidays and DST."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ticketflow_automation.domain.rules import Anchor, Elapsed
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_automation.domain.time_rules import anchor_instant, due_at, elapsed_words
from ticketflow_common.business_time import WorkingCalendar, working_calendar_of
from ticketflow_common.events import CalendarChanged, CalendarHoliday

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


def office(time_zone: str, *holidays: tuple[date, date]) -> WorkingCalendar:
    """Monday to Friday 09:00-18:00 local, as sla announces it."""
    event = CalendarChanged(
        name="上海办公室",
        change="updated",
        time_zone=time_zone,
        week={
            **{day: [("09:00", "18:00")] for day in ("mon", "tue", "wed", "thu", "fri")},
            "sat": [],
            "sun": [],
        },
        holidays=[
            CalendarHoliday(first_day=first, last_day=last, name="节假日")
            for first, last in holidays
        ],
        changed_at=T0,
    )
    return working_calendar_of(event)


def state(**facts: object) -> TicketState:
    return TicketState.model_validate({"ticket_id": uuid.uuid4(), **facts})


def test_friday_five_pm_plus_two_business_hours_is_monday_ten_in_shanghai() -> None:
    friday = datetime(2025, 6, 6, 17, 0, tzinfo=SHANGHAI)
    due = due_at(anchor_at=friday, minutes=120, calendar=office("Asia/Shanghai"))
    assert due.astimezone(SHANGHAI) == datetime(2025, 6, 9, 10, 0, tzinfo=SHANGHAI)
    assert due == datetime(2025, 6, 9, 2, 0, tzinfo=UTC)


def test_without_a_calendar_minutes_are_wall_minutes() -> None:
    friday = datetime(2025, 6, 6, 17, 0, tzinfo=SHANGHAI)
    assert due_at(anchor_at=friday, minutes=120, calendar=None) == friday + timedelta(hours=2)


def test_a_holiday_counts_nothing() -> None:
    friday = datetime(2025, 6, 6, 17, 0, tzinfo=SHANGHAI)
    monday = date(2025, 6, 9)
    calendar = office("Asia/Shanghai", (monday, monday))
    due = due_at(anchor_at=friday, minutes=120, calendar=calendar)
    assert due.astimezone(SHANGHAI) == datetime(2025, 6, 10, 10, 0, tzinfo=SHANGHAI)


def test_a_holiday_range_spanning_days_is_skipped_whole() -> None:
    calendar = office("Asia/Shanghai", (date(2025, 10, 1), date(2025, 10, 7)))
    tuesday = datetime(2025, 9, 30, 17, 0, tzinfo=SHANGHAI)
    due = due_at(anchor_at=tuesday, minutes=120, calendar=calendar)
    assert due.astimezone(SHANGHAI) == datetime(2025, 10, 8, 10, 0, tzinfo=SHANGHAI)


def test_business_days_of_a_nine_hour_day_cross_the_weekend() -> None:
    """3 business days of 9 hours from Thursday 10:00 end Tuesday 10:00."""
    thursday = datetime(2025, 6, 5, 10, 0, tzinfo=SHANGHAI)
    due = due_at(anchor_at=thursday, minutes=3 * 9 * 60, calendar=office("Asia/Shanghai"))
    assert due.astimezone(SHANGHAI) == datetime(2025, 6, 10, 10, 0, tzinfo=SHANGHAI)


def test_business_hours_across_the_spring_forward_weekend_in_berlin() -> None:
    """Clocks jump on Sunday 30 March 2025: Monday 10:00 is CEST, two hours after 08:00 UTC."""
    friday = datetime(2025, 3, 28, 17, 0, tzinfo=BERLIN)
    assert friday.utcoffset() == timedelta(hours=1)
    due = due_at(anchor_at=friday, minutes=120, calendar=office("Europe/Berlin"))
    assert due.astimezone(BERLIN) == datetime(2025, 3, 31, 10, 0, tzinfo=BERLIN)
    assert due == datetime(2025, 3, 31, 8, 0, tzinfo=UTC)


def test_business_hours_across_the_fall_back_weekend_in_berlin() -> None:
    friday = datetime(2025, 10, 24, 17, 0, tzinfo=BERLIN)
    due = due_at(anchor_at=friday, minutes=120, calendar=office("Europe/Berlin"))
    assert due == datetime(2025, 10, 27, 9, 0, tzinfo=UTC)  # 10:00 CET


def test_wall_minutes_across_the_spring_forward_night_are_elapsed_time() -> None:
    """24 hours after Saturday noon is Sunday 13:00 on the wall: the night had 23 hours."""
    saturday = datetime(2025, 3, 29, 12, 0, tzinfo=BERLIN)
    due = due_at(anchor_at=saturday, minutes=24 * 60, calendar=None)
    assert due.astimezone(BERLIN).replace(tzinfo=None) == datetime(2025, 3, 30, 13, 0)


def test_an_always_open_calendar_counts_every_minute() -> None:
    event = CalendarChanged(
        name="24x7", change="created", time_zone="UTC", always_open=True, changed_at=T0
    )
    calendar = working_calendar_of(event)
    assert due_at(anchor_at=T0, minutes=90, calendar=calendar) == T0 + timedelta(minutes=90)


def test_a_calendar_changed_with_split_hours_counts_only_them() -> None:
    event = CalendarChanged(
        name="split",
        change="created",
        time_zone="UTC",
        week={"mon": [("13:00", "17:00"), ("09:00", "12:00")]},
        changed_at=T0,
    )
    calendar = working_calendar_of(event)
    monday_nine = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    due = due_at(anchor_at=monday_nine, minutes=240, calendar=calendar)
    assert due == datetime(2025, 6, 2, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("anchor", "field"),
    [
        ("created", "created_at"),
        ("status_entered", "status_entered_at"),
        ("last_update", "last_update_at"),
        ("unassigned", "unassigned_since"),
    ],
)
def test_an_anchor_is_the_instant_its_fact_records(anchor: Anchor, field: str) -> None:
    assert anchor_instant(state(**{field: T0}), anchor) == T0


@pytest.mark.parametrize(
    "anchor",
    [
        "created",
        "status_entered",
        "last_update",
        "awaiting_reply",
        "awaiting_requester",
        "unassigned",
    ],
)
def test_a_ticket_without_the_fact_has_no_anchor(anchor: Anchor) -> None:
    assert anchor_instant(state(), anchor) is None


def test_an_owned_ticket_is_not_unassigned() -> None:
    owned = state(unassigned_since=T0, assignee_id=uuid.uuid4())
    assert anchor_instant(owned, "unassigned") is None


def test_awaiting_reply_counts_from_the_requester_until_an_agent_replies() -> None:
    asked = state(last_requester_message_at=T0)
    assert anchor_instant(asked, "awaiting_reply") == T0
    assert anchor_instant(asked, "awaiting_requester") is None
    replied = state(last_requester_message_at=T0, last_agent_reply_at=T0 + timedelta(minutes=3))
    assert anchor_instant(replied, "awaiting_reply") is None
    assert anchor_instant(replied, "awaiting_requester") == T0 + timedelta(minutes=3)
    asked_again = state(
        last_requester_message_at=T0 + timedelta(minutes=9),
        last_agent_reply_at=T0 + timedelta(minutes=3),
    )
    assert anchor_instant(asked_again, "awaiting_reply") == T0 + timedelta(minutes=9)
    assert anchor_instant(asked_again, "awaiting_requester") is None


def test_the_words_of_a_firing_name_the_anchor_span_and_calendar() -> None:
    after = Elapsed(anchor="status_entered", minutes=1620, calendar="上海办公室")
    waiting = state(status="waiting_on_customer")
    [words] = elapsed_words(after, state=waiting, anchor_at=T0, calendar_known=True)
    assert "in status waiting_on_customer" in words
    assert "1620 business minutes of calendar '上海办公室'" in words


def test_the_words_say_when_an_unknown_calendar_counted_wall_minutes() -> None:
    after = Elapsed(anchor="unassigned", minutes=10, calendar="missing")
    words = elapsed_words(after, state=state(), anchor_at=T0, calendar_known=False)
    assert words[0].endswith("for 10 minutes")
    assert "calendar 'missing' is unknown to automation: counted wall minutes" in words[1]
