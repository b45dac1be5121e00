"""The chance that an open ticket misses a running SLA target: pure math, no I/O, time given.

Response targets (first and next response). A ticket waiting in its team's queue behind `k`
others gets an owner when the (k+1)-th of the team's busy slots frees up. With `s` slots (the
capacity of the agents online and on shift) each held for a handling time of mean `h`, slots
free up at rate s/h, so the wait W is Erlang(k+1, s/h) (the M/M/s queue's position argument).
The owner then replies after R, drawn from the team's own assignment-to-reply times. The
ticket breaches if W + R exceeds the time left T: P = E_R[P(W > T - R)].
A ticket that already has an owner breaches if R > e + T given R > e (e: how long it has had
that owner), read off the team's reply-time survival curve.

Resolution. From the team's resolution times (Kaplan-Meier, open tickets counted as censored):
P(D > e + T | D > e), e the time the clock has run. Past the longest time the team ever took,
the tail is taken as exponential with the team's mean (memoryless: as likely as ever to end).

Every probability comes with reasons in words, the biggest first.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

RiskMetric = Literal["first_response", "next_response", "resolution"]
MAX_QUEUE_TERMS = 5000
"""Places ahead beyond which the wait is certainly longer than any SLA target."""
REPLY_POINTS = 40
"""Quantile points the reply-time distribution is summarised by when added to a queue wait."""
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
"""Routing's queue order: by this rank, then by the time queued."""
DEFAULT_HANDLE_SECONDS = 1800.0
"""Handling time assumed for a team that has resolved nothing yet."""


@dataclass(frozen=True)
class Survival:
    """A Kaplan-Meier survival curve: `level[i]` = P(D > times[i]), non-increasing."""

    times: tuple[float, ...]
    level: tuple[float, ...]
    mean: float
    samples: int

    @classmethod
    def fit(cls, events: Iterable[float], censored: Iterable[float] = ()) -> "Survival | None":
        """From finished durations and the ages of unfinished ones; None without any finished."""
        done = sorted(max(0.0, d) for d in events)
        if not done:
            return None
        still = sorted(max(0.0, c) for c in censored)
        times: list[float] = []
        level: list[float] = []
        at_risk = len(done) + len(still)
        survival, i, j = 1.0, 0, 0
        while i < len(done):
            t = done[i]
            while j < len(still) and still[j] < t:
                at_risk, j = at_risk - 1, j + 1
            ended = 0
            while i < len(done) and done[i] == t:
                ended, i = ended + 1, i + 1
            survival *= 1 - ended / at_risk
            at_risk -= ended
            times.append(t)
            level.append(survival)
        return cls(tuple(times), tuple(level), sum(done) / len(done), len(done))

    def at(self, t: float) -> float:
        """P(D > t)."""
        lo, hi = 0, len(self.times)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.times[mid] <= t:
                lo = mid + 1
            else:
                hi = mid
        return 1.0 if lo == 0 else self.level[lo - 1]

    def beyond(self, elapsed: float, more: float) -> float:
        """P(D > elapsed + more | D > elapsed); an exponential tail past the longest seen."""
        still = self.at(elapsed)
        if still <= 0:
            return math.exp(-more / self.mean) if self.mean > 0 else 0.0
        return min(1.0, self.at(elapsed + more) / still)

    def quantile(self, q: float) -> float:
        """The smallest t with P(D <= t) >= q; inf if the curve never gets that low."""
        for t, s in zip(self.times, self.level, strict=True):
            if 1 - s >= q - 1e-12:
                return t
        return math.inf

    def points(self, n: int = REPLY_POINTS) -> tuple[float, ...]:
        """`n` equally likely values standing for the distribution (mid-quantiles)."""
        return tuple(self.quantile((i + 0.5) / n) for i in range(n))


@dataclass(frozen=True)
class TeamSituation:
    """What the team has to work with now and what its history says."""

    team: str | None
    agents_on_shift: int
    agents_online: int
    slots: int
    """Tickets the agents online and on shift hold at once (their capacities summed)."""
    mean_handle_seconds: float | None
    reply: Survival | None
    """Time from getting an owner to the owner's reply."""
    resolution: Survival | None
    later_in_seconds: float | None = None
    """With no slot now: when the next shift starts (None: no shift ahead)."""
    later_slots: int = 0
    """The slots that shift brings."""


@dataclass(frozen=True)
class ClockSituation:
    """One running SLA clock of an open ticket."""

    metric: RiskMetric
    started_at: datetime
    due_at: datetime
    owned_since: datetime | None
    """When its current owner got it; None while it waits in the queue."""
    ahead: int = 0
    """Tickets before it in the team's queue (while it waits)."""
    target_seconds: float | None = None


@dataclass(frozen=True)
class BreachRisk:
    probability: float
    reasons: tuple[str, ...]


def assess(clock: ClockSituation, team: TeamSituation, *, now: datetime) -> BreachRisk:
    """The probability `clock` breaches, and why."""
    left = (clock.due_at - now).total_seconds()
    if left <= 0:
        return BreachRisk(1.0, (f"already {duration(-left)} past due",))
    if clock.metric == "resolution":
        return _resolution_risk(clock, team, left=left, now=now)
    if clock.owned_since is None:
        return _queued_response_risk(clock, team, left=left)
    return _owned_response_risk(clock, team, left=left, now=now)


def erlang_survival(k: int, rate: float, t: float) -> float:
    """P(W > t) for W the sum of k exponentials of `rate`: P(Poisson(rate*t) < k)."""
    if t <= 0:
        return 1.0
    if rate <= 0:
        return 1.0
    if k > MAX_QUEUE_TERMS:
        k = MAX_QUEUE_TERMS
    x = rate * t
    log_x = math.log(x)
    return min(1.0, math.fsum(math.exp(-x + i * log_x - math.lgamma(i + 1)) for i in range(k)))


def _queued_response_risk(clock: ClockSituation, team: TeamSituation, *, left: float) -> BreachRisk:
    ahead = max(0, clock.ahead)
    staff = f"{_count(team.agents_online, 'agent')} online, {team.agents_on_shift} on shift"
    queue = f"{_count(ahead, 'ticket')} ahead in the queue, {staff}"
    handle = team.mean_handle_seconds or DEFAULT_HANDLE_SECONDS
    slots, delay = team.slots, 0.0
    reasons = [queue]
    if slots <= 0:
        if team.later_in_seconds is None or team.later_slots <= 0:
            return BreachRisk(1.0, ("no agent online and on shift to take it", queue))
        slots, delay = team.later_slots, team.later_in_seconds
        reasons.insert(
            0,
            f"nobody to take it until the next shift in {duration(delay)}"
            f" ({_count(slots, 'slot')})",
        )
    rate = slots / handle
    replies = team.reply.points() if team.reply is not None else (0.0,)
    p = sum(erlang_survival(ahead + 1, rate, left - delay - r) for r in replies) / len(replies)
    wait = delay + (ahead + 1) / rate
    reasons.append(
        f"expected wait for an owner {duration(wait)} (handling {duration(handle)},"
        f" {_count(slots, 'slot')}), {duration(left)} left"
    )
    if team.reply is not None:
        reasons.append(f"owners then reply within {duration(team.reply.quantile(0.5))} (median)")
    if team.mean_handle_seconds is None:
        reasons.append(f"no handling history yet: {duration(handle)} assumed")
    return BreachRisk(_clamp(p), tuple(reasons))


def _owned_response_risk(
    clock: ClockSituation, team: TeamSituation, *, left: float, now: datetime
) -> BreachRisk:
    owned = max(0.0, (now - (clock.owned_since or now)).total_seconds())
    if team.reply is None:
        return _share_used(clock, left=left, now=now, what="replies")
    p = team.reply.beyond(owned, left)
    return BreachRisk(
        _clamp(p),
        (
            f"owner has had it {duration(owned)} without replying; the team replies this late"
            f" (after {duration(owned + left)}) to {_percent(p)} of such tickets",
            f"{duration(left)} left",
        ),
    )


def _resolution_risk(
    clock: ClockSituation, team: TeamSituation, *, left: float, now: datetime
) -> BreachRisk:
    elapsed = max(0.0, (now - clock.started_at).total_seconds())
    if team.resolution is None:
        return _share_used(clock, left=left, now=now, what="resolutions")
    p = team.resolution.beyond(elapsed, left)
    reasons = [
        f"of tickets still open after {duration(elapsed)}, the team resolves {_percent(p)}"
        f" this late (after {duration(elapsed + left)})",
        f"{duration(left)} left",
    ]
    if team.resolution.at(elapsed) <= 0:
        reasons.insert(1, "open longer than any ticket the team resolved")
    if clock.owned_since is None:
        reasons.append(f"no owner yet: {_count(clock.ahead, 'ticket')} ahead in the queue")
    return BreachRisk(_clamp(p), tuple(reasons))


def _share_used(clock: ClockSituation, *, left: float, now: datetime, what: str) -> BreachRisk:
    """Without history: the share of the target already used stands for the probability."""
    used = max(0.0, (now - clock.started_at).total_seconds())
    total = clock.target_seconds if clock.target_seconds else used + left
    p = used / total if total > 0 else 1.0
    return BreachRisk(
        _clamp(p),
        (f"no {what} in the team's history; {_percent(p)} of the target used",),
    )


def _clamp(p: float) -> float:
    return min(1.0, max(0.0, p))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _percent(p: float) -> str:
    return f"{round(p * 100)}%"


def duration(seconds: float) -> str:
    """A duration as people say it: 45 s, 12 min, 3.5 h, 2.1 d."""
    if math.isinf(seconds):
        return "forever"
    if seconds < 90:
        return f"{round(seconds)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def queue_ahead(mine: tuple[int, datetime], others: Sequence[tuple[int, datetime]]) -> int:
    """Tickets before `mine` in a queue ordered by (priority rank, queued at)."""
    return sum(1 for other in others if other < mine)
