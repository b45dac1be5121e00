"""Choosing among agents that meet the hard constraints: spare capacity, then fairness."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from routing.domain.scoring import Candidate, rank_candidates, score_candidate

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def agent(n: int, *, load: int, capacity: int = 4, idle_minutes: float | None = None) -> Candidate:
    last = None if idle_minutes is None else NOW - timedelta(minutes=idle_minutes)
    return Candidate(
        agent_id=UUID(int=n),
        name=f"a{n}",
        team="t",
        load=load,
        capacity=capacity,
        last_assigned_at=last,
    )


def test_less_loaded_agent_wins() -> None:
    busy, free = agent(1, load=3, idle_minutes=120), agent(2, load=0, idle_minutes=0)
    assert rank_candidates([busy, free], now=NOW)[0] == free


def test_equal_load_goes_to_who_waited_longest() -> None:
    recent, waited = agent(1, load=1, idle_minutes=1), agent(2, load=1, idle_minutes=50)
    assert rank_candidates([recent, waited], now=NOW)[0] == waited


def test_load_is_relative_to_capacity() -> None:
    big = agent(1, load=4, capacity=10, idle_minutes=0)
    small = agent(2, load=2, capacity=3, idle_minutes=0)
    assert rank_candidates([small, big], now=NOW)[0] == big


@given(
    loads=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=30),
    idles=st.lists(st.one_of(st.none(), st.floats(0, 10_000)), min_size=30, max_size=30),
)
def test_ranking_is_a_deterministic_permutation_with_scores_in_range(
    loads: list[int], idles: list[float | None]
) -> None:
    agents = [
        agent(i, load=load, capacity=10, idle_minutes=idles[i]) for i, load in enumerate(loads)
    ]
    ranked = rank_candidates(agents, now=NOW)
    assert sorted(a.agent_id for a in ranked) == sorted(a.agent_id for a in agents)
    assert ranked == rank_candidates(list(reversed(agents)), now=NOW)
    scores = [score_candidate(a, now=NOW) for a in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
