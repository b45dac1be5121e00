"""The chance that an open ticket misses a running SLA target: pure math, no I/O, time given.

Response targets (first and next response). A ticket waiting in its team's queue behind `k`
others gets an owner when the (k+1)-th of the team's busy slots frees up. With `s` slots (the
capacity of the agents online and on shift) each held for a handling time of mean `h`, slots
free up at rate s/h, so the wait W is Erlang(k+1, s/h) (the M/M/s queue's position argument).
The owner then replies after R, drawn from the team's own assignment-to-reply times. The
ticket breaches if W + R exceeds the time left T: P = E_R[P(W > T - R)].
A ticket that already has an owner breaches if R > e + T given R > e (e: how long it has had
that owner), read off the team's reply-time survival curve.

Resolution is the wait for the first answer plus the work after it (V, from the team's
answered-to-resolved times): not answered yet, P = E_V[P(first answer later than T - V)];
answered `a` ago, P = P(V > a + T | V > a). Without such times, the team's whole resolution
times (Kaplan-Meier, open tickets censored) give P(D > e + T | D > e), e the clock's run.
Past the longest time the team ever took, the tail is taken as exponential with the team's
mean (memoryless: as likely as ever to end).

Every probability comes with reasons in words, the biggest first.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaincc  # type: ignore[import-untyped]

RiskMetric = Literal["first_response", "next_response", "resolution"]
REPLY_POINTS = 40
"""Quantile points the reply-time distribution is summarised by when added to a queue wait."""
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
"""Routing's queue order: by this rank, then by the time queued."""
WORK_POINTS = 20
"""Quantile points of the work after the first answer, added to the wait for that answer."""
DEFAULT_HANDLE_SECONDS = 1800.0
"""Handling time assumed for a team that has resolved nothing yet."""


@dataclass(frozen=True)
class Survival:
    """A Kaplan-Meier survival curve: `level[i]` = P(D > times[i]), non-increasing."""

    times: tuple[float, ...]
    level: tuple[float, ...]
    mean: float
    samples: int
    _points: dict[int, tuple[float, ...]] = field(default_factory=dict, compare=False, repr=False)

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
        lo, hi = 0, len(self.level)
        while lo < hi:
            mid = (lo + hi) // 2
            if 1 - self.level[mid] >= q - 1e-12:
                hi = mid
            else:
                lo = mid + 1
        return self.times[lo] if lo < len(self.times) else math.inf

    def points(self, n: int = REPLY_POINTS) -> tuple[float, ...]:
        """`n` equally likely values standing for the distribution (mid-quantiles)."""
        if n not in self._points:
            self._points[n] = tuple(self.quantile((i + 0.5) / n) for i in range(n))
        return self._points[n]


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
    work: Survival | None = None
    """Time from the first answer to the resolution."""
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
    answered_at: datetime | None = None
    """The first answer of its cycle, if it has one (resolution clocks)."""


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
    return float(erlang_survival_many(k, rate, np.array([t]))[0])


def erlang_survival_many(k: int, rate: float, t: NDArray[np.float64]) -> NDArray[np.float64]:
    """`erlang_survival` at many instants at once: the regularised upper incomplete gamma
    function Q(k, rate*t) (scipy's `gammaincc`, accurate deep in a queue and far in the tail),
    which costs the same for any k where a sum of k Poisson terms grows with the queue."""
    k = max(1, k)
    if rate <= 0:
        return np.ones_like(t)
    survival: NDArray[np.float64] = np.where(
        t <= 0, 1.0, np.minimum(1.0, gammaincc(k, np.maximum(rate * t, 0.0)))
    )
    return survival


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
    p = float(_queued_breach(ahead, rate, delay, team, np.array([left]))[0])
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


def _queued_breach(
    ahead: int, rate: float, delay: float, team: TeamSituation, lefts: NDArray[np.float64]
) -> NDArray[np.float64]:
    """P(delay + Erlang(ahead + 1, rate) + reply > left) for each of `lefts`."""
    replies = np.array(team.reply.points() if team.reply is not None else (0.0,))
    t = (lefts[:, None] - delay - replies[None, :]).ravel()
    t = np.where(np.isfinite(t), t, -1.0)
    survival = erlang_survival_many(ahead + 1, rate, t).reshape(len(lefts), len(replies))
    result: NDArray[np.float64] = survival.mean(axis=1)
    return result


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
    if team.work is not None:
        return _staged_resolution_risk(clock, team, team.work, left=left, now=now)
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


def _staged_resolution_risk(
    clock: ClockSituation, team: TeamSituation, work: Survival, *, left: float, now: datetime
) -> BreachRisk:
    """Answered: the work still to do after the first answer, given how long it has gone on.
    Not yet: the wait for that answer (queue and reply) plus the work after it."""
    if clock.answered_at is not None:
        since = max(0.0, (now - clock.answered_at).total_seconds())
        p = work.beyond(since, left)
        return BreachRisk(
            _clamp(p),
            (
                f"answered {duration(since)} ago; of tickets unresolved that long after their"
                f" first answer, the team resolves {_percent(p)} after {duration(since + left)}",
                f"{duration(left)} left",
            ),
        )
    lefts = left - np.array(work.points(WORK_POINTS))
    p = float(_response_probabilities(clock, team, lefts=lefts, now=now).mean())
    answer = float(_response_probabilities(clock, team, lefts=np.array([left]), now=now)[0])
    waiting = (
        f"no owner yet: {_count(clock.ahead, 'ticket')} ahead in the queue"
        if clock.owned_since is None
        else "not answered yet"
    )
    return BreachRisk(
        _clamp(p),
        (
            f"{waiting}; {_percent(answer)} chance even the first answer comes after the deadline",
            f"the team works {duration(work.quantile(0.5))} (median) after the first answer,"
            f" {duration(left)} left",
        ),
    )


def _response_probabilities(
    clock: ClockSituation, team: TeamSituation, *, lefts: NDArray[np.float64], now: datetime
) -> NDArray[np.float64]:
    """P(the first answer comes later than each of `lefts` from now)."""
    lefts = np.where(np.isfinite(lefts), lefts, -1.0)
    if clock.owned_since is not None:
        if team.reply is None:
            return np.where(lefts <= 0, 1.0, 0.0)
        owned = max(0.0, (now - clock.owned_since).total_seconds())
        reply = team.reply
        return np.array([1.0 if t <= 0 else reply.beyond(owned, float(t)) for t in lefts])
    handle = team.mean_handle_seconds or DEFAULT_HANDLE_SECONDS
    slots, delay = team.slots, 0.0
    if slots <= 0:
        if team.later_in_seconds is None or team.later_slots <= 0:
            return np.ones_like(lefts)
        slots, delay = team.later_slots, team.later_in_seconds
    return _queued_breach(max(0, clock.ahead), slots / handle, delay, team, lefts)


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
