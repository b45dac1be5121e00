"""Quiet hours: a recipient's nightly window, in their time zone, when routine mail waits."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from ticketflow_common.input_model import InputModel
from ticketflow_common.time_zones import TimeZoneName
from ticketflow_notify.domain.templates import Language


class RecipientPreferences(InputModel):
    """How one person wants to hear from us; quiet hours may wrap midnight (22:00-07:00)."""

    language: Language | None = None
    time_zone: TimeZoneName = "UTC"
    quiet_start: time | None = Field(default=None, description="Local time, e.g. 22:00.")
    quiet_end: time | None = Field(default=None, description="Local time, e.g. 07:00.")

    @model_validator(mode="after")
    def _both_or_neither(self) -> "RecipientPreferences":
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError("quiet_start and quiet_end are set together or not at all")
        if self.quiet_start is not None and self.quiet_start == self.quiet_end:
            raise ValueError("quiet_start and quiet_end must differ")
        return self


class Recipient(RecipientPreferences):
    email: str


@dataclass(frozen=True)
class QuietHours:
    time_zone: str
    start: time
    end: time


def held_until(now: datetime, quiet: QuietHours) -> datetime | None:
    """When the quiet window containing `now` ends (an aware instant), or None if outside it."""
    zone = ZoneInfo(quiet.time_zone)
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    wraps = quiet.start > quiet.end
    inside = (
        (clock >= quiet.start or clock < quiet.end) if wraps else (quiet.start <= clock < quiet.end)
    )
    if not inside:
        return None
    end_day = local.date()
    if wraps and clock >= quiet.start:
        end_day += timedelta(days=1)
    naive_end = datetime.combine(end_day, quiet.end)
    return naive_end.replace(tzinfo=zone).astimezone(now.tzinfo)


@dataclass(frozen=True)
class QuietHoursPolicy:
    """Event types told even during a recipient's quiet hours (escalations)."""

    bypass_types: frozenset[str]

    def hold(
        self, *, channel: str, event_type: str, quiet: QuietHours | None, now: datetime
    ) -> datetime | None:
        """Routine mail waits for the end of the recipient's quiet hours; escalations never do."""
        if channel != "email" or quiet is None or event_type in self.bypass_types:
            return None
        return held_until(now, quiet)
