"""The GCRA rate-limit rule, pure and time-injected, and the IETF `RateLimit` header fields.

GCRA (the generic cell rate algorithm) keeps one instant per key, its theoretical arrival
time (TAT): a request is allowed when the TAT it would leave behind is at most one window
ahead of now. `rate_limit_store` runs the same rule in one SQL statement; this module is the
reference both are tested against, and turns a stored TAT into what the headers say.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_QUOTA = 1_000_000


@dataclass(frozen=True)
class RatePolicy:
    """`quota` requests at once, earned back at `quota / window_seconds` per second."""

    name: str
    quota: int
    window_seconds: float

    def __post_init__(self) -> None:
        if not self.name.replace("-", "").isalnum():
            raise ValueError("a policy name is letters, digits and dashes")
        if not 1 <= self.quota <= MAX_QUOTA or self.window_seconds <= 0:
            raise ValueError("a policy needs a quota of 1..1e6 and a positive window")
        if self.interval <= timedelta(0):
            raise ValueError("the window is too short for the quota (under 1 µs a request)")

    @classmethod
    def per_second(cls, name: str, *, rate: float, burst: int) -> "RatePolicy":
        """`rate` requests a second on average, `burst` at once."""
        return cls(name=name, quota=burst, window_seconds=burst / rate)

    @property
    def interval(self) -> timedelta:
        """The emission interval: how long one request's allowance takes to come back."""
        return timedelta(seconds=self.window_seconds / self.quota)

    @property
    def tolerance(self) -> timedelta:
        """How far ahead of now a TAT may run: the whole quota's worth of intervals."""
        return self.interval * self.quota

    def key(self, subject: str) -> str:
        """The stored key: the policy's name keeps subjects of different policies apart."""
        return f"{self.name}:{subject}"


@dataclass(frozen=True)
class Decision:
    """One request's answer, with what the `RateLimit` fields report."""

    policy: RatePolicy
    allowed: bool
    remaining: int
    reset_seconds: int
    retry_after_seconds: int


def decide(policy: RatePolicy, *, tat: datetime | None, now: datetime) -> tuple[Decision, datetime]:
    """Take one request from the key whose stored TAT is `tat` (None: never seen or pruned);
    returns the decision and the TAT to store (unchanged when refused)."""
    after = max(tat, now) + policy.interval if tat is not None else now + policy.interval
    if after - now <= policy.tolerance:
        return describe(policy, tat=after, now=now, allowed=True), after
    assert tat is not None
    return describe(policy, tat=tat, now=now, allowed=False), tat


def describe(policy: RatePolicy, *, tat: datetime | None, now: datetime, allowed: bool) -> Decision:
    """What remains, when the quota is whole again, and (if refused) when to retry."""
    ahead = max(tat - now, timedelta(0)) if tat is not None else timedelta(0)
    remaining = max(0, (policy.tolerance - ahead) // policy.interval)
    retry = 0
    if not allowed:
        retry = max(1, math.ceil((ahead + policy.interval - policy.tolerance).total_seconds()))
    return Decision(
        policy=policy,
        allowed=allowed,
        remaining=remaining,
        reset_seconds=math.ceil(ahead.total_seconds()),
        retry_after_seconds=retry,
    )


def blocked_beyond(policy: RatePolicy) -> timedelta:
    """A key is exhausted (its next request would be refused) once its TAT is more than this
    ahead of now."""
    return policy.tolerance - policy.interval


def policy_header(policies: list[RatePolicy]) -> str:
    """`RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers): quota and window, per policy."""
    return ", ".join(f'"{p.name}";q={p.quota};w={math.ceil(p.window_seconds)}' for p in policies)


def state_header(decisions: list[Decision]) -> str:
    """`RateLimit`: what remains of each policy's quota and seconds until it is whole again."""
    return ", ".join(f'"{d.policy.name}";r={d.remaining};t={d.reset_seconds}' for d in decisions)
