"""When a failed delivery is tried again: a fixed schedule with a little jitter."""

import random
from datetime import datetime, timedelta

JITTER_FRACTION = 0.1


def next_attempt_at(
    *, attempts_made: int, schedule: list[float], now: datetime, rng: random.Random
) -> datetime | None:
    """The time of the next attempt, or None when the schedule is exhausted."""
    if attempts_made >= len(schedule):
        return None
    delay = schedule[attempts_made]
    jitter = delay * JITTER_FRACTION * (2 * rng.random() - 1)
    return now + timedelta(seconds=max(0.0, delay + jitter))
