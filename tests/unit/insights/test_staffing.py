"""Erlang C / Erlang A staffing checked against independent computations, not against itself."""

import heapq
import math
import random
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketflow_insights.domain.staffing import (
    IntervalDemand,
    IntervalRequirement,
    InvalidStaffingInput,
    ServiceTarget,
    erlang_c_wait_probability,
    required_agents,
    service_performance,
    staffing_gaps,
)

TEXTBOOK = IntervalDemand(arrivals=100, interval_seconds=1800, mean_handle_seconds=180)
EIGHTY_TWENTY = ServiceTarget(share=0.8, answer_within_seconds=20)


def direct_erlang_c(*, agents: int, offered_load: Fraction) -> Fraction:
    """Erlang C by its textbook summation formula, in exact rational arithmetic."""
    terms = [offered_load**k / math.factorial(k) for k in range(agents)]
    top = offered_load**agents / math.factorial(agents) * agents / (agents - offered_load)
    return top / (sum(terms) + top)


def simulate_queue(
    *,
    arrival_rate: float,
    mean_handle: float,
    agents: int,
    within: float,
    mean_patience: float | None,
    customers: int,
    seed: int,
) -> tuple[float, float, float]:
    """FCFS M/M/n(+M) by discrete events: (share answered within, mean wait, share abandoned)."""
    rng = random.Random(seed)
    free_at = [0.0] * agents
    clock = 0.0
    answered_in_time = abandoned = 0
    total_wait = 0.0
    warmup = customers // 10
    for index in range(customers + warmup):
        clock += rng.expovariate(arrival_rate)
        start = max(clock, free_at[0])
        patience = math.inf if mean_patience is None else rng.expovariate(1 / mean_patience)
        counted = index >= warmup
        if start - clock > patience:
            if counted:
                abandoned += 1
                total_wait += patience
            continue
        heapq.heapreplace(free_at, start + rng.expovariate(1 / mean_handle))
        if counted:
            total_wait += start - clock
            answered_in_time += start - clock <= within
    return answered_in_time / customers, total_wait / customers, abandoned / customers


def test_textbook_example_needs_14_agents_at_80_20() -> None:
    requirement = required_agents(demand=TEXTBOOK, target=EIGHTY_TWENTY)
    wait_13 = float(direct_erlang_c(agents=13, offered_load=Fraction(10)))
    wait_14 = float(direct_erlang_c(agents=14, offered_load=Fraction(10)))
    level_13 = 1 - wait_13 * math.exp(-(13 - 10) * 20 / 180)
    level_14 = 1 - wait_14 * math.exp(-(14 - 10) * 20 / 180)
    assert level_13 < 0.8 <= level_14  # the independent formula says 14, so must staffing
    assert requirement.productive_agents == 14
    assert requirement.performance.service_level == pytest.approx(level_14, rel=1e-12)
    assert requirement.performance.service_level == pytest.approx(0.888, abs=0.001)
    assert requirement.performance.probability_of_waiting == pytest.approx(wait_14, rel=1e-12)
    assert requirement.performance.average_speed_of_answer_seconds == pytest.approx(
        wait_14 * 180 / 4, rel=1e-12
    )
    assert requirement.performance.occupancy == pytest.approx(10 / 14)


@pytest.mark.parametrize(
    ("load", "agents"),
    [(Fraction(1, 2), 1), (Fraction(10), 11), (Fraction(47, 3), 20), (Fraction(300), 320)],
)
def test_wait_probability_matches_exact_summation(load: Fraction, agents: int) -> None:
    # 300**320 overflows a float: the recurrence must still agree with exact arithmetic.
    expected = float(direct_erlang_c(agents=agents, offered_load=load))
    assert erlang_c_wait_probability(agents=agents, offered_load=float(load)) == pytest.approx(
        expected, rel=1e-10
    )


def test_erlang_c_agrees_with_a_seeded_simulation() -> None:
    performance = service_performance(demand=TEXTBOOK, agents=14, target=EIGHTY_TWENTY)
    level, mean_wait, abandoned = simulate_queue(
        arrival_rate=100 / 1800,
        mean_handle=180,
        agents=14,
        within=20,
        mean_patience=None,
        customers=200_000,
        seed=14,
    )
    assert abandoned == 0
    assert level == pytest.approx(performance.service_level, abs=0.01)
    assert mean_wait == pytest.approx(performance.average_speed_of_answer_seconds, rel=0.1)


@pytest.mark.parametrize(("agents", "patience"), [(12, 120.0), (10, 300.0), (15, 60.0)])
def test_erlang_a_agrees_with_a_seeded_simulation(agents: int, patience: float) -> None:
    demand = IntervalDemand(
        arrivals=100, interval_seconds=1800, mean_handle_seconds=180, mean_patience_seconds=patience
    )
    performance = service_performance(demand=demand, agents=agents, target=EIGHTY_TWENTY)
    level, mean_wait, abandoned = simulate_queue(
        arrival_rate=100 / 1800,
        mean_handle=180,
        agents=agents,
        within=20,
        mean_patience=patience,
        customers=200_000,
        seed=agents,
    )
    assert level == pytest.approx(performance.service_level, abs=0.01)
    assert abandoned == pytest.approx(performance.probability_of_abandoning, abs=0.01)
    assert mean_wait == pytest.approx(performance.average_speed_of_answer_seconds, rel=0.1)


def test_erlang_a_with_endless_patience_is_erlang_c() -> None:
    patient = IntervalDemand(
        arrivals=100, interval_seconds=1800, mean_handle_seconds=180, mean_patience_seconds=1e9
    )
    for agents in (11, 13, 14, 16):
        a = service_performance(demand=patient, agents=agents, target=EIGHTY_TWENTY)
        c = service_performance(demand=TEXTBOOK, agents=agents, target=EIGHTY_TWENTY)
        assert a.service_level == pytest.approx(c.service_level, abs=1e-5)
        assert a.probability_of_waiting == pytest.approx(c.probability_of_waiting, abs=1e-5)


def test_abandonment_lets_fewer_agents_than_the_load_hold_a_queue() -> None:
    overloaded = IntervalDemand(
        arrivals=100, interval_seconds=1800, mean_handle_seconds=180, mean_patience_seconds=60
    )
    performance = service_performance(demand=overloaded, agents=9, target=EIGHTY_TWENTY)
    assert 0 < performance.service_level < 1
    assert 0 < performance.probability_of_abandoning < 1
    unstable = service_performance(demand=TEXTBOOK, agents=9, target=EIGHTY_TWENTY)
    assert unstable.service_level == 0
    assert math.isinf(unstable.average_speed_of_answer_seconds)


def test_required_agents_is_the_fewest_that_meet_the_target() -> None:
    demand = IntervalDemand(
        arrivals=400, interval_seconds=3600, mean_handle_seconds=420, mean_patience_seconds=240
    )
    target = ServiceTarget(share=0.9, answer_within_seconds=30)
    needed = required_agents(demand=demand, target=target).productive_agents
    assert service_performance(demand=demand, agents=needed, target=target).service_level >= 0.9
    assert service_performance(demand=demand, agents=needed - 1, target=target).service_level < 0.9


@settings(max_examples=40, deadline=None)
@given(
    arrivals=st.floats(min_value=0, max_value=400),
    more=st.floats(min_value=0, max_value=200),
    handle=st.floats(min_value=30, max_value=900),
    patience=st.none() | st.floats(min_value=30, max_value=900),
)
def test_more_arrivals_never_need_fewer_agents(
    arrivals: float, more: float, handle: float, patience: float | None
) -> None:
    def needed(count: float) -> int:
        demand = IntervalDemand(
            arrivals=count,
            interval_seconds=1800,
            mean_handle_seconds=handle,
            mean_patience_seconds=patience,
        )
        return required_agents(demand=demand, target=EIGHTY_TWENTY).productive_agents

    assert needed(arrivals) <= needed(arrivals + more)


@settings(max_examples=40, deadline=None)
@given(
    share=st.floats(min_value=0.5, max_value=0.95),
    stricter_share=st.floats(min_value=0, max_value=0.04),
    within=st.floats(min_value=5, max_value=120),
    shorter=st.floats(min_value=0, max_value=5),
    patience=st.none() | st.floats(min_value=30, max_value=900),
)
def test_a_stricter_target_never_needs_fewer_agents(
    share: float, stricter_share: float, within: float, shorter: float, patience: float | None
) -> None:
    demand = IntervalDemand(
        arrivals=150, interval_seconds=1800, mean_handle_seconds=240, mean_patience_seconds=patience
    )
    loose = ServiceTarget(share=share, answer_within_seconds=within)
    strict = ServiceTarget(share=share + stricter_share, answer_within_seconds=within - shorter)
    assert (
        required_agents(demand=demand, target=loose).productive_agents
        <= required_agents(demand=demand, target=strict).productive_agents
    )


@pytest.mark.parametrize("patience", [None, 120.0])
def test_zero_arrivals_need_no_agents(patience: float | None) -> None:
    quiet = IntervalDemand(
        arrivals=0, interval_seconds=900, mean_handle_seconds=300, mean_patience_seconds=patience
    )
    requirement = required_agents(demand=quiet, target=EIGHTY_TWENTY)
    assert (requirement.productive_agents, requirement.scheduled_agents) == (0, 0)
    assert requirement.performance.service_level == 1


@pytest.mark.parametrize(
    ("shrinkage", "scheduled"), [(0.0, 14), (0.3, 20), (0.5, 28), (0.99, 1400)]
)
def test_shrinkage_grosses_up_the_roster(shrinkage: float, scheduled: int) -> None:
    target = ServiceTarget(share=0.8, answer_within_seconds=20, shrinkage=shrinkage)
    requirement = required_agents(demand=TEXTBOOK, target=target)
    assert requirement.productive_agents == 14
    assert requirement.scheduled_agents == scheduled
    assert requirement.scheduled_agents == math.ceil(14 / (1 - shrinkage) - 1e-9)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"arrivals": -1}, "arrivals"),
        ({"arrivals": math.nan}, "arrivals"),
        ({"interval_seconds": 0}, "interval_seconds"),
        ({"mean_handle_seconds": -5}, "mean_handle_seconds"),
        ({"mean_handle_seconds": math.inf}, "mean_handle_seconds"),
        ({"mean_patience_seconds": 0}, "mean_patience_seconds"),
    ],
)
def test_invalid_demand_is_refused(arguments: dict[str, float], message: str) -> None:
    fields = {"arrivals": 10.0, "interval_seconds": 1800.0, "mean_handle_seconds": 180.0}
    with pytest.raises(InvalidStaffingInput, match=message):
        IntervalDemand(**(fields | arguments))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"share": 1.0}, "share"),
        ({"share": 0.0}, "share"),
        ({"answer_within_seconds": -1}, "answer_within_seconds"),
        ({"shrinkage": 1.0}, "shrinkage"),
        ({"shrinkage": -0.1}, "shrinkage"),
    ],
)
def test_invalid_target_is_refused(arguments: dict[str, float], message: str) -> None:
    fields = {"share": 0.8, "answer_within_seconds": 20.0}
    with pytest.raises(InvalidStaffingInput, match=message):
        ServiceTarget(**(fields | arguments))


def test_negative_agent_count_is_refused() -> None:
    with pytest.raises(InvalidStaffingInput, match="agents"):
        service_performance(demand=TEXTBOOK, agents=-1, target=EIGHTY_TWENTY)


def test_gaps_list_only_understaffed_intervals_in_time_order() -> None:
    monday = datetime(2026, 12, 7, 9, tzinfo=UTC)
    slots = [monday + timedelta(minutes=30 * index) for index in range(4)]
    required = [
        IntervalRequirement(interval_start=slots[2], required_agents=9),
        IntervalRequirement(interval_start=slots[0], required_agents=5),
        IntervalRequirement(interval_start=slots[1], required_agents=6),
        IntervalRequirement(interval_start=slots[3], required_agents=3),
    ]
    scheduled = {slots[0]: 5, slots[1]: 4, slots[2]: 10}  # nobody rostered for the last slot
    gaps = staffing_gaps(required=required, scheduled=scheduled)
    assert [(gap.interval_start, gap.shortfall) for gap in gaps] == [(slots[1], 2), (slots[3], 3)]
    assert gaps[1].scheduled_agents == 0


def test_gaps_refuse_a_negative_roster() -> None:
    start = datetime(2026, 12, 7, 9, tzinfo=UTC)
    with pytest.raises(InvalidStaffingInput, match="scheduled"):
        staffing_gaps(
            required=[IntervalRequirement(interval_start=start, required_agents=1)],
            scheduled={start: -1},
        )
