"""The tunable parts of routing, taken from settings."""

from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_PICKUP_TIMEOUTS: dict[str, float] = {
    "urgent": 300.0,
    "high": 900.0,
    "normal": 3600.0,
    "low": 14400.0,
}


@dataclass(frozen=True)
class RoutingPolicy:
    pickup_timeout_seconds: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_PICKUP_TIMEOUTS)
    )
    candidate_limit: int = 50
    """How many eligible agents the index returns to be scored for one ticket."""
    alternatives: int = 3
    """How many runners-up a decision explains."""
    explained_exclusions: int = 10
