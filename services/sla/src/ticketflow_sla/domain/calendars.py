"""Calendars as the API accepts them and the arithmetic view."""

from datetime import date, datetime
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from ticketflow_common.business_time import WorkingCalendar, minutes_of, weekly_calendar
from ticketflow_common.input_model import InputModel
from ticketflow_common.time_zones import TimeZoneName

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
CLOCK_TIME = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"
ALWAYS_OPEN_NAME = "24x7"
BUSINESS_HOURS_NAME = "business-hours"
MAX_HOLIDAY_DAYS = 366
MAX_HOLIDAYS = 1000


class WorkingHours(InputModel):
    start: Annotated[str, Field(pattern=CLOCK_TIME, examples=["09:00"])]
    end: Annotated[str, Field(pattern=CLOCK_TIME, examples=["17:00"])]

    @model_validator(mode="after")
    def _start_before_end(self) -> "WorkingHours":
        if minutes_of(self.start) >= minutes_of(self.end):
            raise ValueError(f"start {self.start} must be before end {self.end}")
        return self


class Holiday(InputModel):
    """One day or an inclusive range of days off, in the calendar's local dates."""

    first_day: date
    last_day: date | None = None
    name: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> "Holiday":
        last = self.last_day or self.first_day
        if last < self.first_day:
            raise ValueError("last_day must not be before first_day")
        if (last - self.first_day).days >= MAX_HOLIDAY_DAYS:
            raise ValueError(f"a holiday range spans at most {MAX_HOLIDAY_DAYS} days")
        return self

    @property
    def last(self) -> date:
        return self.last_day or self.first_day


class CalendarUpdate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "time_zone": "Europe/Berlin",
                    "week": {
                        day: [
                            {"start": "09:00", "end": "12:00"},
                            {"start": "13:00", "end": "17:00"},
                        ]
                        for day in WEEKDAYS[:5]
                    },
                    "holidays": [{"first_day": "2025-12-24", "last_day": "2025-12-26"}],
                }
            ]
        },
    )

    time_zone: TimeZoneName = "UTC"
    always_open: bool = Field(default=False, description="24x7: every second counts.")
    week: dict[Weekday, list[WorkingHours]] = Field(default_factory=dict)
    holidays: list[Holiday] = Field(default_factory=list, max_length=MAX_HOLIDAYS)

    @field_validator("week")
    @classmethod
    def _disjoint(
        cls, week: dict[Weekday, list[WorkingHours]]
    ) -> dict[Weekday, list[WorkingHours]]:
        for day, hours in week.items():
            ordered = sorted(hours, key=lambda h: minutes_of(h.start))
            for earlier, later in pairwise(ordered):
                if minutes_of(later.start) < minutes_of(earlier.end):
                    raise ValueError(f"{day}: working hours overlap")
            week[day] = ordered
        return week

    @model_validator(mode="after")
    def _some_working_time(self) -> "CalendarUpdate":
        if not self.always_open and not any(self.week.values()):
            raise ValueError("week: a calendar that is not always_open needs working hours")
        return self


class Calendar(CalendarUpdate):
    name: str
    updated_at: datetime


def working_calendar(calendar: CalendarUpdate) -> WorkingCalendar:
    """The arithmetic's view of a calendar."""
    return weekly_calendar(
        time_zone=calendar.time_zone,
        always_open=calendar.always_open,
        week=[[(h.start, h.end) for h in calendar.week.get(day, [])] for day in WEEKDAYS],
        holidays=((h.first_day, h.last) for h in calendar.holidays),
    )


def merge_holidays(existing: list[Holiday], new: list[Holiday]) -> list[Holiday]:
    """`existing` plus those of `new` not already there (same days), ordered by first day."""
    seen = {(h.first_day, h.last) for h in existing}
    merged = list(existing)
    for holiday in new:
        if (holiday.first_day, holiday.last) not in seen:
            seen.add((holiday.first_day, holiday.last))
            merged.append(holiday)
    return sorted(merged, key=lambda h: (h.first_day, h.last))
