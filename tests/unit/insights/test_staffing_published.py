"""Erlang figures against published tables and worked examples (not computed by this code).

- Erlang B: the traffic (Erlangs) N lines carry at 1% blocking, as every Erlang B table prints
  it (e.g. the ITU-T Teletraffic Engineering Handbook's table, to three decimals).
- Erlang C: Call Centre Helper's worked example "Erlang C formula - made simple": 100 calls in
  30 minutes, 3-minute handling, 80% within 20 s; with 11 agents the probability of waiting is
  68.21%, the service level 39.0% and the ASA 122.8 s, and 14 agents are the fewest that meet
  80/20.
Last, Erlang A's uniformization stops its Poisson sums once their tail is negligible.
"""

import math

import pytest

from ticketflow_insights.domain.staffing import (
    IntervalDemand,
    ServiceTarget,
    _poisson_tail_negligible,
    erlang_b,
    erlang_c_wait_probability,
    required_agents,
    service_performance,
)

ERLANG_B_ONE_PERCENT = [
    (1, 0.010),
    (2, 0.153),
    (3, 0.455),
    (4, 0.869),
    (5, 1.361),
    (10, 4.461),
    (20, 12.031),
    (30, 20.337),
    (50, 37.901),
    (100, 84.064),
]
"""(lines, Erlangs carried at 1% blocking), from the published Erlang B table."""


def carried_at_one_percent(lines: int) -> float:
    """The offered load at which blocking reaches 1%, by bisection on our Erlang B."""
    low, high = 0.0, float(lines)
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (
            (middle, high)
            if erlang_b(agents=lines, offered_load=middle) < 0.01
            else (
                low,
                middle,
            )
        )
    return low


@pytest.mark.parametrize(("lines", "erlangs"), ERLANG_B_ONE_PERCENT)
def test_erlang_b_matches_the_published_one_percent_table(lines: int, erlangs: float) -> None:
    assert carried_at_one_percent(lines) == pytest.approx(erlangs, abs=0.0005)


CALL_CENTRE_HELPER = IntervalDemand(arrivals=100, interval_seconds=1800, mean_handle_seconds=180)
EIGHTY_TWENTY = ServiceTarget(share=0.8, answer_within_seconds=20)


def test_erlang_c_matches_the_worked_example_with_11_agents() -> None:
    assert CALL_CENTRE_HELPER.offered_load == pytest.approx(10.0)
    assert erlang_c_wait_probability(agents=11, offered_load=10.0) == pytest.approx(
        0.6821, abs=0.00005
    )
    performance = service_performance(demand=CALL_CENTRE_HELPER, agents=11, target=EIGHTY_TWENTY)
    assert performance.service_level == pytest.approx(0.390, abs=0.0005)
    assert performance.average_speed_of_answer_seconds == pytest.approx(122.8, abs=0.05)
    assert performance.occupancy == pytest.approx(0.909, abs=0.0005)


def test_erlang_c_needs_14_agents_in_the_worked_example() -> None:
    requirement = required_agents(demand=CALL_CENTRE_HELPER, target=EIGHTY_TWENTY)
    assert requirement.productive_agents == 14
    assert (
        service_performance(
            demand=CALL_CENTRE_HELPER, agents=13, target=EIGHTY_TWENTY
        ).service_level
        < 0.8
    )


def test_shrinkage_grosses_up_the_worked_example() -> None:
    # 14 on tickets with 30% shrinkage: 14 / 0.7 = 20 on the roster.
    target = ServiceTarget(share=0.8, answer_within_seconds=20, shrinkage=0.3)
    assert required_agents(demand=CALL_CENTRE_HELPER, target=target).scheduled_agents == 20


@pytest.mark.parametrize("mass", [0.5, 30.0, 255.0, 500.0])
def test_the_poisson_sum_of_erlang_a_stops_once_the_tail_is_negligible(mass: float) -> None:
    # Summing until 1 - total < 1e-15 stalled at the jump cap for large masses (rounding kept
    # the total just below): a one-hour target took 10,000 jumps per step instead of ~700.
    weight = total = math.exp(-mass)
    jumps = 0
    while not _poisson_tail_negligible(mass=mass, jumps=jumps, weight=weight, total=total):
        jumps += 1
        weight *= mass / jumps
        total += weight
    assert total == pytest.approx(1.0, abs=1e-12)
    assert jumps < mass + 12 * math.sqrt(mass) + 40
