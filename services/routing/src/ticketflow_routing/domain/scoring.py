"""Pure choice of an owner: hard constraints, then a score or order per team strategy."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from uuid import UUID

from ticketflow_common.events import Exclusion, RoutingStrategy, ScoreBreakdown
from ticketflow_routing.domain.agents import RoutableAgent
from ticketflow_routing.domain.shifts import is_on_shift
from ticketflow_routing.domain.tickets import TicketProjection

PROFICIENCY_WEIGHT = 0.35
LOAD_WEIGHT = 0.35
FAIRNESS_WEIGHT = 0.15
HANDLING_WEIGHT = 0.15
FAIRNESS_HORIZON_SECONDS = 3600.0
UNKNOWN_SPEED = 0.5
"""Handling-time part for an agent with no resolved ticket in the category yet."""
MAX_PROFICIENCY = 5


def exclusion_reasons(
    agent: RoutableAgent, ticket: TicketProjection, *, now: datetime
) -> list[str]:
    """Every hard constraint the agent fails for this ticket; empty when eligible."""
    reasons = [
        f"lacks skill {skill}"
        for skill in ticket.required_skills
        if skill not in agent.skill_levels
    ]
    if ticket.language not in agent.languages:
        reasons.append(f"does not speak {ticket.language}")
    if ticket.team and ticket.team not in agent.teams:
        reasons.append(f"not in team {ticket.team}")
    if agent.status != "online":
        reasons.append(f"status {agent.status}")
    if not is_on_shift(agent.shifts, agent.time_zone, now):
        reasons.append("off shift")
    if agent.load >= agent.capacity:
        reasons.append(f"at capacity ({agent.load}/{agent.capacity})")
    return reasons


def exclusion(agent: RoutableAgent, reasons: list[str]) -> Exclusion:
    return Exclusion(agent_id=agent.agent_id, agent_name=agent.name, reasons=reasons)


def relative_speeds(means: Mapping[UUID, float]) -> dict[UUID, float]:
    """The fastest known mean handling time scores 1, twice as slow 0.5; unknown ones 0.5."""
    known = [m for m in means.values() if m > 0]
    if not known:
        return {}
    best = min(known)
    return {agent: best / mean for agent, mean in means.items() if mean > 0}


def breakdown(
    agent: RoutableAgent,
    ticket: TicketProjection,
    *,
    now: datetime,
    speed: float | None,
    mean_handling_seconds: float | None = None,
) -> ScoreBreakdown:
    if ticket.required_skills:
        levels = [agent.skill_levels.get(s, 0) for s in ticket.required_skills]
        proficiency = sum(levels) / len(levels) / MAX_PROFICIENCY
    else:
        proficiency = 1.0
    spare = 1.0 - agent.load / agent.capacity if agent.capacity else 0.0
    if agent.last_assigned_at is None:
        fairness = 1.0
    else:
        waited = max(0.0, (now - agent.last_assigned_at).total_seconds())
        fairness = min(1.0, waited / FAIRNESS_HORIZON_SECONDS)
    handling = UNKNOWN_SPEED if speed is None else speed
    total = (
        PROFICIENCY_WEIGHT * proficiency
        + LOAD_WEIGHT * spare
        + FAIRNESS_WEIGHT * fairness
        + HANDLING_WEIGHT * handling
    )
    return ScoreBreakdown(
        agent_id=agent.agent_id,
        agent_name=agent.name,
        total=round(total, 6),
        proficiency=round(proficiency, 6),
        load=round(spare, 6),
        fairness=round(fairness, 6),
        handling_time=round(handling, 6),
        load_before=agent.load,
        capacity=agent.capacity,
        mean_handling_seconds=mean_handling_seconds,
    )


def rank(
    strategy: RoutingStrategy,
    agents: Iterable[RoutableAgent],
    ticket: TicketProjection,
    *,
    now: datetime,
    mean_handling_seconds: Mapping[UUID, float],
) -> list[ScoreBreakdown]:
    """Eligible agents best first under the team's strategy; ties go to the agent id, so
    replicas agree. skills_load: weighted score; least_loaded: lowest load/capacity;
    round_robin: whoever has waited longest since their last assignment."""
    speeds = relative_speeds(mean_handling_seconds)
    pool = list(agents)
    scored = {
        a.agent_id: breakdown(
            a,
            ticket,
            now=now,
            speed=speeds.get(a.agent_id),
            mean_handling_seconds=mean_handling_seconds.get(a.agent_id),
        )
        for a in pool
    }
    if strategy == "least_loaded":
        pool.sort(
            key=lambda a: (1.0 - scored[a.agent_id].load, -scored[a.agent_id].fairness, a.agent_id)
        )
    elif strategy == "round_robin":
        pool.sort(
            key=lambda a: (
                a.last_assigned_at is not None,
                a.last_assigned_at or now,
                a.agent_id,
            )
        )
    else:
        pool.sort(key=lambda a: (-scored[a.agent_id].total, a.agent_id))
    return [scored[a.agent_id] for a in pool]
