"""Pure choice of an owner among agents that already meet the hard constraints."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

LOAD_WEIGHT = 0.7
FAIRNESS_WEIGHT = 0.3
FAIRNESS_HORIZON_SECONDS = 3600.0

CANDIDATE_LIMIT = 20
"""How many agents that meet the hard constraints are scored for one ticket."""

PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


@dataclass(frozen=True)
class Candidate:
    agent_id: UUID
    name: str
    team: str
    load: int
    capacity: int
    last_assigned_at: datetime | None


def score_candidate(candidate: Candidate, *, now: datetime) -> float:
    """Higher is better: spare capacity first, then how long since the agent last got one."""
    spare = 1.0 - candidate.load / candidate.capacity if candidate.capacity else 0.0
    if candidate.last_assigned_at is None:
        idle = 1.0
    else:
        waited = (now - candidate.last_assigned_at).total_seconds()
        idle = min(1.0, max(0.0, waited) / FAIRNESS_HORIZON_SECONDS)
    return LOAD_WEIGHT * spare + FAIRNESS_WEIGHT * idle


def rank_candidates(candidates: list[Candidate], *, now: datetime) -> list[Candidate]:
    """Best first; ties go to the agent id so replicas agree on the order."""
    return sorted(candidates, key=lambda c: (-score_candidate(c, now=now), str(c.agent_id)))
