"""Per-caller token buckets: a steady rate with a burst allowance, time injected."""

import math
from dataclasses import dataclass

from ticketflow_common.clock import Clock


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """Each key may make `rate` requests per second on average, `burst` at once.

    Held in memory, so with N replicas a caller gets up to N times the rate.
    """

    def __init__(self, *, rate: float, burst: int, clock: Clock, max_keys: int = 100_000) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}

    def acquire(self, key: str) -> float:
        """Take a token; returns 0 when allowed, else the seconds until one is available."""
        now = self.clock().timestamp()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._buckets.clear()
            bucket = self._buckets[key] = _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


def retry_after_header(wait_seconds: float) -> str:
    """Whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(wait_seconds)))
