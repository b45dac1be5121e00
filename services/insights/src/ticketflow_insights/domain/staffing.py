"""Agents required per interval by Erlang C (and Erlang A with abandonment): pure math, no I/O.

Erlang C is the M/M/n queue: Poisson arrivals, exponential handling, n agents, nobody hangs up.
P(wait) comes from the Erlang B recurrence B(k) = a*B(k-1) / (k + a*B(k-1)), which stays within
[0, 1] at every step, so it neither overflows (a**n / n! does past n ~ 170) nor loses precision
to cancellation; C = n*B / (n - a*(1 - B)).

Erlang A is M/M/n+M (Palm): each waiting ticket gives up after an exponential patience. Its
stationary distribution is the birth-death chain with death rate n*mu + j*theta when j wait; the
share answered within T is found by following one arriving ticket through the queue ahead of it
(uniformization of that small absorbing chain), so no special functions are needed.

Service level here is the share of ALL arrivals answered within the target (abandoned ones count
as misses), ASA the mean wait in queue of all arrivals (E[Lq] / lambda, Little's law).
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np

MAX_AGENTS = 100_000
"""No interval of a service desk needs more; a search that would is refused, not looped."""
_TAIL_EPSILON = 1e-15
_MAX_JUMPS = 10_000
_UNIFORMIZATION_STEP_MASS = 500.0
"""Expected uniformized jumps per sub-step: exp(-500) is still a normal float (~7e-218)."""

QueueModel = Literal["erlang_c", "erlang_a"]


class InvalidStaffingInput(ValueError):
    """An input to the staffing math is out of its domain (the message says which and why)."""


@dataclass(frozen=True)
class IntervalDemand:
    """What one interval asks of the team: arrivals in it, its length and the mean handling time;
    `mean_patience_seconds` (None = nobody abandons) switches Erlang C to Erlang A."""

    arrivals: float
    interval_seconds: float
    mean_handle_seconds: float
    mean_patience_seconds: float | None = None

    def __post_init__(self) -> None:
        _require(math.isfinite(self.arrivals) and self.arrivals >= 0, "arrivals must be >= 0")
        _require(_positive(self.interval_seconds), "interval_seconds must be > 0")
        _require(_positive(self.mean_handle_seconds), "mean_handle_seconds must be > 0")
        _require(
            self.mean_patience_seconds is None or _positive(self.mean_patience_seconds),
            "mean_patience_seconds must be > 0 (or None for no abandonment)",
        )

    @property
    def arrival_rate(self) -> float:
        """Arrivals per second, the lambda of the queue."""
        return self.arrivals / self.interval_seconds

    @property
    def offered_load(self) -> float:
        """Traffic in Erlangs (agents kept busy on average): lambda times the handling time."""
        return self.arrival_rate * self.mean_handle_seconds

    @property
    def model(self) -> QueueModel:
        """Which queue the demand is: abandonment known means Erlang A."""
        return "erlang_c" if self.mean_patience_seconds is None else "erlang_a"


@dataclass(frozen=True)
class ServiceTarget:
    """`share` of tickets answered within `answer_within_seconds` (0.8 and 20 s: the 80/20 rule);
    `shrinkage` is the share of paid time not available for tickets (breaks, training)."""

    share: float
    answer_within_seconds: float
    shrinkage: float = 0.0

    def __post_init__(self) -> None:
        _require(0 < self.share < 1, "share must be in (0, 1): 1 needs infinitely many agents")
        _require(
            math.isfinite(self.answer_within_seconds) and self.answer_within_seconds >= 0,
            "answer_within_seconds must be >= 0",
        )
        _require(0 <= self.shrinkage < 1, "shrinkage must be in [0, 1)")


@dataclass(frozen=True)
class QueuePerformance:
    """What `agents` achieve on a demand: the figures a team lead reads next to the target."""

    agents: int
    model: QueueModel
    service_level: float
    average_speed_of_answer_seconds: float
    probability_of_waiting: float
    probability_of_abandoning: float
    occupancy: float


@dataclass(frozen=True)
class StaffingRequirement:
    """Agents needed for one interval: `productive_agents` on tickets, `scheduled_agents` on the
    roster once shrinkage is added, and how the productive ones perform."""

    productive_agents: int
    scheduled_agents: int
    performance: QueuePerformance


@dataclass(frozen=True)
class IntervalRequirement:
    """The scheduled agents one interval (by its start) needs, as staffing computed it."""

    interval_start: datetime
    required_agents: int


@dataclass(frozen=True)
class StaffingGap:
    """An understaffed interval: `shortfall` agents more should be scheduled."""

    interval_start: datetime
    required_agents: int
    scheduled_agents: int

    @property
    def shortfall(self) -> int:
        """How many agents are missing."""
        return self.required_agents - self.scheduled_agents


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidStaffingInput(message)


def erlang_b(*, agents: int, offered_load: float) -> float:
    """Blocking probability of M/M/n/n by the stable recurrence (the base of Erlang C)."""
    _require(agents >= 0, "agents must be >= 0")
    _require(math.isfinite(offered_load) and offered_load >= 0, "offered_load must be >= 0")
    blocking = 1.0
    for servers in range(1, agents + 1):
        blocking = offered_load * blocking / (servers + offered_load * blocking)
    return blocking


def erlang_c_wait_probability(*, agents: int, offered_load: float) -> float:
    """P(an arrival waits) in M/M/n; 1 when the queue is unstable (agents <= load)."""
    if offered_load == 0:
        return 0.0
    if agents <= offered_load:
        return 1.0
    blocking = erlang_b(agents=agents, offered_load=offered_load)
    return agents * blocking / (agents - offered_load * (1 - blocking))


def service_performance(
    *, demand: IntervalDemand, agents: int, target: ServiceTarget
) -> QueuePerformance:
    """Service level, ASA and occupancy `agents` achieve on `demand` (Erlang C or A)."""
    _require(0 <= agents <= MAX_AGENTS, f"agents must be in [0, {MAX_AGENTS}]")
    load = demand.offered_load
    if load == 0:
        return QueuePerformance(agents, demand.model, 1.0, 0.0, 0.0, 0.0, 0.0)
    if demand.mean_patience_seconds is None:
        return _erlang_c_performance(demand=demand, agents=agents, target=target)
    return _erlang_a_performance(demand=demand, agents=agents, target=target)


def _erlang_c_performance(
    *, demand: IntervalDemand, agents: int, target: ServiceTarget
) -> QueuePerformance:
    load = demand.offered_load
    if agents <= load:
        return QueuePerformance(agents, "erlang_c", 0.0, math.inf, 1.0, 0.0, 1.0)
    wait = erlang_c_wait_probability(agents=agents, offered_load=load)
    drain_rate = (agents - load) / demand.mean_handle_seconds
    service_level = 1 - wait * math.exp(-drain_rate * target.answer_within_seconds)
    asa = wait / drain_rate
    return QueuePerformance(agents, "erlang_c", service_level, asa, wait, 0.0, load / agents)


def _erlang_a_performance(
    *, demand: IntervalDemand, agents: int, target: ServiceTarget
) -> QueuePerformance:
    assert demand.mean_patience_seconds is not None
    arrival_rate = demand.arrival_rate
    service_rate = 1 / demand.mean_handle_seconds
    abandon_rate = 1 / demand.mean_patience_seconds
    below, queue = _erlang_a_distribution(
        agents=agents,
        arrival_rate=arrival_rate,
        service_rate=service_rate,
        abandon_rate=abandon_rate,
    )
    wait = sum(queue)
    mean_queue = sum(waiting * share for waiting, share in enumerate(queue))
    abandon = abandon_rate * mean_queue / arrival_rate
    busy = sum(busy_agents * share for busy_agents, share in enumerate(below)) + agents * wait
    answered_late = _erlang_a_answered_within(
        queue=queue,
        agents=agents,
        service_rate=service_rate,
        abandon_rate=abandon_rate,
        within_seconds=target.answer_within_seconds,
    )
    service_level = min(1.0, sum(below) + answered_late)
    occupancy = busy / agents if agents else 1.0
    return QueuePerformance(
        agents, "erlang_a", service_level, mean_queue / arrival_rate, wait, abandon, occupancy
    )


def _erlang_a_distribution(
    *, agents: int, arrival_rate: float, service_rate: float, abandon_rate: float
) -> tuple[list[float], list[float]]:
    """Stationary shares of states with k < n in system, and with j >= 0 waiting (k = n + j)."""
    # Unnormalised terms, rescaled whenever they grow large so no float overflows.
    terms = [1.0]
    for busy in range(1, agents + 1):
        terms.append(terms[-1] * arrival_rate / (busy * service_rate))
        if terms[-1] > 1e250:
            terms = [term / 1e250 for term in terms]
    queue = [terms.pop()]
    waiting = 0
    while True:
        waiting += 1
        queue.append(queue[-1] * arrival_rate / (agents * service_rate + waiting * abandon_rate))
        if queue[-1] > 1e250:
            terms = [term / 1e250 for term in terms]
            queue = [term / 1e250 for term in queue]
        if arrival_rate < agents * service_rate + waiting * abandon_rate and queue[-1] <= (
            _TAIL_EPSILON * (sum(queue) + sum(terms))
        ):
            break
    total = sum(terms) + sum(queue)
    return [term / total for term in terms], [term / total for term in queue]


def _erlang_a_answered_within(
    *,
    queue: list[float],
    agents: int,
    service_rate: float,
    abandon_rate: float,
    within_seconds: float,
) -> float:
    """Share of arrivals that find j waiting and still reach an agent within the target."""
    # A tagged arrival with `ahead` tickets before it moves up at n*mu + ahead*theta, reaches an
    # agent from the head at n*mu, and abandons at theta: a pure-death chain with two sinks.
    advance = [agents * service_rate + ahead * abandon_rate for ahead in range(len(queue))]
    leave = [rate + abandon_rate for rate in advance]
    if agents == 0 or within_seconds == 0:
        return 0.0
    uniform_rate = max(leave)
    stay = 1 - np.asarray(leave) / uniform_rate
    move_up = np.asarray(advance) / uniform_rate
    states = np.asarray(queue, dtype=float)
    answered = 0.0
    steps = max(1, math.ceil(uniform_rate * within_seconds / _UNIFORMIZATION_STEP_MASS))
    mass = uniform_rate * within_seconds / steps
    for _ in range(steps):
        # Uniformization over one sub-step: sum over m of Poisson(m; mass) * (P^m applied).
        weight = math.exp(-mass)
        cumulative = weight
        current, reached = states, answered
        next_states = current * weight
        next_answered = reached * weight
        jumps = 0
        while not _poisson_tail_negligible(mass=mass, jumps=jumps, weight=weight, total=cumulative):
            jumps += 1
            reached += float(current[0] * move_up[0])
            moved = current * move_up
            current = current * stay
            current[:-1] += moved[1:]
            weight *= mass / jumps
            cumulative += weight
            next_states += current * weight
            next_answered += reached * weight
        states, answered = next_states, next_answered
    return answered


def _poisson_tail_negligible(*, mass: float, jumps: int, weight: float, total: float) -> bool:
    """Whether the Poisson(mass) terms after `jumps` (whose own weight is `weight`) can be
    dropped: past the mode they shrink at least geometrically by mass/(jumps+1), so the rest
    sums to at most weight * r / (1 - r). Summing until 1 - total < epsilon instead can stall
    where floating-point rounding keeps the total just below 1 - epsilon."""
    if jumps >= _MAX_JUMPS or 1 - total <= _TAIL_EPSILON:
        return True
    ratio = mass / (jumps + 1)
    return ratio < 1 and weight * ratio / (1 - ratio) <= _TAIL_EPSILON * total


def required_agents(*, demand: IntervalDemand, target: ServiceTarget) -> StaffingRequirement:
    """Fewest productive agents meeting the target, and the roster count after shrinkage."""
    if demand.offered_load == 0:
        return StaffingRequirement(
            0, 0, service_performance(demand=demand, agents=0, target=target)
        )

    def meets(agents: int) -> bool:
        performance = service_performance(demand=demand, agents=agents, target=target)
        return performance.service_level >= target.share

    # Invariant: `low` misses the target, `high` meets it; the service level grows with agents.
    # Erlang C at or below its load never drains; with abandonment n agents serve at most n/a of
    # the arrivals, so fewer than share * a miss, and Erlang C's answer is the first guess above.
    if demand.model == "erlang_c":
        low = math.floor(demand.offered_load)
        high = low + 1
    else:
        low = max(0, math.ceil(target.share * demand.offered_load) - 1)
        erlang_c_demand = IntervalDemand(
            arrivals=demand.arrivals,
            interval_seconds=demand.interval_seconds,
            mean_handle_seconds=demand.mean_handle_seconds,
        )
        high = max(
            low + 1, required_agents(demand=erlang_c_demand, target=target).productive_agents
        )
    while not meets(high):
        _require(high < MAX_AGENTS, f"the target needs more than {MAX_AGENTS} agents")
        low, high = high, min(MAX_AGENTS, 2 * high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if meets(middle) else (middle, high)
    productive = high
    scheduled = math.ceil(productive / (1 - target.shrinkage) - 1e-9)
    return StaffingRequirement(
        productive, scheduled, service_performance(demand=demand, agents=productive, target=target)
    )


def staffing_gaps(
    *, required: Iterable[IntervalRequirement], scheduled: Mapping[datetime, int]
) -> list[StaffingGap]:
    """Understaffed intervals in time order: required over scheduled (none scheduled = 0)."""
    gaps = []
    for interval in required:
        on_roster = scheduled.get(interval.interval_start, 0)
        _require(on_roster >= 0, "scheduled agents must be >= 0")
        if interval.required_agents > on_roster:
            gaps.append(StaffingGap(interval.interval_start, interval.required_agents, on_roster))
    return sorted(gaps, key=lambda gap: gap.interval_start)
