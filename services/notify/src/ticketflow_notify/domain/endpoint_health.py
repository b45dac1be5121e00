"""An endpoint's health after each attempt: circuit breaker and disabling after days of failure."""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class HealthPolicy:
    failure_threshold: int
    open_seconds: float
    disable_after_seconds: float


@dataclass(frozen=True)
class EndpointHealth:
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    circuit_open_until: datetime | None = None

    def half_open(self, now: datetime, policy: HealthPolicy) -> bool:
        """Past its open period, a tripped circuit lets one trial delivery through at a time."""
        return self.consecutive_failures >= policy.failure_threshold and (
            self.circuit_open_until is None or self.circuit_open_until <= now
        )


@dataclass(frozen=True)
class HealthChange:
    health: EndpointHealth
    disable: bool


def after_attempt(
    health: EndpointHealth, *, succeeded: bool, now: datetime, policy: HealthPolicy
) -> HealthChange:
    """A success closes the circuit; enough failures in a row open it for `open_seconds`;
    failing without a single success for `disable_after_seconds` disables the endpoint."""
    if succeeded:
        return HealthChange(EndpointHealth(), disable=False)
    failures = health.consecutive_failures + 1
    since = health.failing_since or now
    open_until = (
        now + timedelta(seconds=policy.open_seconds)
        if failures >= policy.failure_threshold
        else None
    )
    disable = (now - since).total_seconds() >= policy.disable_after_seconds
    return HealthChange(EndpointHealth(failures, since, open_until), disable=disable)
