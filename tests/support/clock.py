"""The one fake clock of the suite: time moves only when a test says so."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MONDAY = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
"""A Monday morning, inside every shipped business calendar."""


@dataclass
class FakeClock:
    now: datetime = MONDAY

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now
