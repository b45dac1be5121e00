"""Choosing among agents: hard constraints, the weighted score and the team strategies."""

from datetime import UTC, datetime, time, timedelta
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from ticketflow_routing.domain.agents import RoutableAgent
from ticketflow_routing.domain.scoring import exclusion_reasons, rank, relative_speeds
from ticketflow_routing.domain.shifts import Shift
from ticketflow_routing.domain.tickets import TicketProjection

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)  # a Monday


def ticket(*, skills: tuple[str, ...] = ("vpn",), team: str | None = None) -> TicketProjection:
    return TicketProjection(
        ticket_id=UUID(int=99),
        version=1,
        status="open",
        priority="normal",
        category="network",
        team=team,
        language="en",
        required_skills=skills,
        last_agent_id=None,
        created_at=NOW,
        updated_at=NOW,
    )


def agent(
    n: int,
    *,
    load: int = 0,
    capacity: int = 4,
    idle_minutes: float | None = None,
    levels: dict[str, int] | None = None,
    status: str = "online",
    shifts: list[Shift] | None = None,
) -> RoutableAgent:
    last = None if idle_minutes is None else NOW - timedelta(minutes=idle_minutes)
    return RoutableAgent(
        agent_id=UUID(int=n),
        name=f"a{n}",
        team="t",
        email=None,
        teams=("t",),
        skill_levels=levels if levels is not None else {"vpn": 3},
        languages=("en",),
        status=status,
        load=load,
        capacity=capacity,
        time_zone="Europe/Paris",
        shifts=shifts,
        last_assigned_at=last,
    )


def best(strategy: str, agents: list[RoutableAgent], means: dict[UUID, float] | None = None) -> int:
    ranked = rank(strategy, agents, ticket(), now=NOW, mean_handling_seconds=means or {})  # type: ignore[arg-type]
    return ranked[0].agent_id.int


def test_less_loaded_agent_wins() -> None:
    assert best("skills_load", [agent(1, load=3, idle_minutes=120), agent(2, load=0)]) == 2


def test_higher_proficiency_wins_at_equal_load() -> None:
    novice, expert = agent(1, levels={"vpn": 1}), agent(2, levels={"vpn": 5})
    assert best("skills_load", [novice, expert]) == 2


def test_learned_faster_handling_wins_at_equal_everything_else() -> None:
    means = {UUID(int=1): 7200.0, UUID(int=2): 1800.0}
    assert best("skills_load", [agent(1), agent(2)], means) == 2
    assert relative_speeds(means) == {UUID(int=1): 0.25, UUID(int=2): 1.0}


def test_round_robin_takes_who_waited_longest_whatever_the_load() -> None:
    agents = [agent(1, load=0, idle_minutes=1), agent(2, load=3, idle_minutes=90)]
    assert best("round_robin", agents) == 2
    assert best("round_robin", [*agents, agent(3, load=3)]) == 3  # never assigned yet


def test_least_loaded_ignores_proficiency() -> None:
    agents = [agent(1, load=2, levels={"vpn": 5}), agent(2, load=1, levels={"vpn": 1})]
    assert best("least_loaded", agents) == 2


def test_exclusion_names_every_failed_constraint() -> None:
    night = [Shift(days=["mon"], start=time(22), end=time(6))]
    failing = agent(1, load=4, levels={}, status="away", shifts=night)
    reasons = exclusion_reasons(failing, ticket(team="other"), now=NOW)
    assert reasons == [
        "lacks skill vpn",
        "not in team other",
        "status away",
        "off shift",
        "at capacity (4/4)",
    ]
    assert exclusion_reasons(agent(2), ticket(), now=NOW) == []


@given(
    loads=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=30),
    idles=st.lists(st.one_of(st.none(), st.floats(0, 10_000)), min_size=30, max_size=30),
    levels=st.lists(st.integers(min_value=1, max_value=5), min_size=30, max_size=30),
    strategy=st.sampled_from(["skills_load", "round_robin", "least_loaded"]),
)
def test_ranking_is_a_deterministic_permutation_with_parts_in_range(
    loads: list[int], idles: list[float | None], levels: list[int], strategy: str
) -> None:
    agents = [
        agent(i, load=load, capacity=10, idle_minutes=idles[i], levels={"vpn": levels[i]})
        for i, load in enumerate(loads)
    ]
    ranked = rank(strategy, agents, ticket(), now=NOW, mean_handling_seconds={})  # type: ignore[arg-type]
    assert sorted(r.agent_id for r in ranked) == sorted(a.agent_id for a in agents)
    again = rank(strategy, list(reversed(agents)), ticket(), now=NOW, mean_handling_seconds={})  # type: ignore[arg-type]
    assert ranked == again
    for r in ranked:
        parts = (r.proficiency, r.load, r.fairness, r.handling_time, r.total)
        assert all(0.0 <= p <= 1.0 for p in parts)
    if strategy == "skills_load":
        totals = [r.total for r in ranked]
        assert totals == sorted(totals, reverse=True)
