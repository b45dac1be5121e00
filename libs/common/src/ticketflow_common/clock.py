"""Time is injected: code that decides by deadlines takes a `Clock`, so tests need not wait."""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)
