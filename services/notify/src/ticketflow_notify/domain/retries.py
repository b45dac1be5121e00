"""When a failed delivery is tried again: a fixed schedule of retry delays with a little jitter."""

import random
from datetime import datetime, timedelta

JITTER_FRACTION = 0.1


def next_attempt_at(
    *, attempts_made: int, schedule: list[float], now: datetime, rng: random.Random
) -> datetime | None:
    """After `attempts_made` failed attempts, retry n waits schedule[n - 1]; None once used up."""
    if attempts_made < 1:
        raise ValueError("a retry follows at least one failed attempt")
    if attempts_made > len(schedule):
        return None
    delay = schedule[attempts_made - 1]
    jitter = delay * JITTER_FRACTION * (2 * rng.random() - 1)
    return now + timedelta(seconds=max(0.0, delay + jitter))
