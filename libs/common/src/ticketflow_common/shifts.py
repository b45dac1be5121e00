"""Weekly shift schedules in an agent's own time zone, evaluated at UTC instants: shared by
routing (who is on shift now) and insights (how many are scheduled per coming interval)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field, model_validator

from ticketflow_common.input_model import InputModel

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Shift(InputModel):
    """Working time on the given days from `start` to `end` local time; an `end` at or before
    `start` runs past midnight into the next day (22:00-06:00, or 00:00-00:00 for all day)."""

    model_config = ConfigDict(frozen=True)

    days: list[Weekday] = Field(min_length=1, max_length=7)
    start: time
    end: time

    @model_validator(mode="after")
    def _naive_times(self) -> "Shift":
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("start and end are local wall-clock times, without an offset")
        return self


def _intervals(
    shifts: list[Shift], zone: ZoneInfo, around: date
) -> list[tuple[datetime, datetime]]:
    """Shift intervals in UTC from the day before `around` to a week after, merged and sorted."""
    raw: list[tuple[datetime, datetime]] = []
    for offset in range(-1, 9):
        day = around + timedelta(days=offset)
        weekday = WEEKDAYS[day.weekday()]
        for shift in shifts:
            if weekday not in shift.days:
                continue
            end_day = day if shift.end > shift.start else day + timedelta(days=1)
            start = datetime.combine(day, shift.start, tzinfo=zone).astimezone(UTC)
            end = datetime.combine(end_day, shift.end, tzinfo=zone).astimezone(UTC)
            if end > start:
                raw.append((start, end))
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(raw):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def shift_periods(
    shifts: list[Shift] | None, time_zone: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The UTC periods on shift within [start, end), merged and sorted; no schedule (None) is
    one period over the whole range, an empty one none."""
    if shifts is None:
        return [(start, end)] if start < end else []
    zone = ZoneInfo(time_zone)
    clipped: list[tuple[datetime, datetime]] = []
    around, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while around <= last:  # each call covers the week after `around`, so weeks overlap
        for on, off in _intervals(shifts, zone, around):
            if max(on, start) < min(off, end):
                clipped.append((max(on, start), min(off, end)))
        around += timedelta(days=7)
    found: list[tuple[datetime, datetime]] = []
    for on, off in sorted(clipped):
        if found and on <= found[-1][1]:
            found[-1] = (found[-1][0], max(found[-1][1], off))
        else:
            found.append((on, off))
    return found


def is_on_shift(shifts: list[Shift] | None, time_zone: str, now: datetime) -> bool:
    """No schedule (None) means always available; an empty schedule means never."""
    if shifts is None:
        return True
    zone = ZoneInfo(time_zone)
    around = now.astimezone(zone).date()
    return any(start <= now < end for start, end in _intervals(shifts, zone, around))


def next_shift_change(shifts: list[Shift] | None, time_zone: str, now: datetime) -> datetime | None:
    """The next instant after `now` at which the agent goes on or off shift; None if never."""
    if not shifts:
        return None
    zone = ZoneInfo(time_zone)
    around = now.astimezone(zone).date()
    for start, end in _intervals(shifts, zone, around):
        if start > now:
            return start
        if now < end:
            return end
    return None


@dataclass(frozen=True)
class ShiftState:
    """Where an agent stands on their schedule at one instant."""

    on_shift: bool
    next_change_at: datetime | None


def shift_state(shifts: list[Shift] | None, time_zone: str, now: datetime) -> ShiftState:
    return ShiftState(
        on_shift=is_on_shift(shifts, time_zone, now),
        next_change_at=next_shift_change(shifts, time_zone, now),
    )
