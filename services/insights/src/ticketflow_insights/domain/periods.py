"""Calendar periods (day, week, month, quarter) in a time zone: what a scorecard covers."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, model_validator

PeriodKind = Literal["day", "week", "month", "quarter"]
PERIOD_KINDS: tuple[PeriodKind, ...] = get_args(PeriodKind)


class Period(BaseModel):
    """The half-open interval [start, end) of one calendar period: local midnights in `tz`,
    held in UTC (so `end - start` is elapsed time, 167 h for a week that springs forward)."""

    model_config = ConfigDict(frozen=True)

    kind: PeriodKind
    start: datetime
    end: datetime
    tz: str = "UTC"

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period's start and end must carry a time zone")
        if self.end <= self.start:
            raise ValueError("a period ends after it starts")
        return self

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def previous(self) -> "Period":
        """The period of the same kind just before this one."""
        return period_containing(self.kind, self.start - timedelta(microseconds=1), tz=self.tz)

    def next(self) -> "Period":
        return period_containing(self.kind, self.end, tz=self.tz)

    def elapsed_until(self, now: datetime) -> datetime:
        """Where "to date" ends: now, within the period; the period's end once it is over."""
        return min(max(now, self.start), self.end)


def period_containing(kind: PeriodKind, at: datetime, tz: str = "UTC") -> Period:
    """The day, ISO week (from Monday), month or quarter of `at` as seen in `tz`."""
    if at.tzinfo is None:
        raise ValueError("at must carry a time zone")
    zone = ZoneInfo(tz)
    local = at.astimezone(zone).date()
    first = _first_day(kind, local)
    after = _first_day_after(kind, first)
    return Period(kind=kind, start=_midnight(first, zone), end=_midnight(after, zone), tz=tz)


def _first_day(kind: PeriodKind, day: date) -> date:
    if kind == "day":
        return day
    if kind == "week":
        return day - timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _first_day_after(kind: PeriodKind, first: date) -> date:
    if kind == "day":
        return first + timedelta(days=1)
    if kind == "week":
        return first + timedelta(days=7)
    months = 1 if kind == "month" else 3
    month_index = first.month - 1 + months
    return date(first.year + month_index // 12, month_index % 12 + 1, 1)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a local day, in UTC (a DST gap at midnight moves it forward)."""
    return datetime.combine(day, time()).replace(tzinfo=zone).astimezone(UTC)
