"""What one delivery attempt came to, and the rules its outcome is recorded by."""

from dataclasses import dataclass

from ticketflow_notify.domain.endpoint_health import HealthPolicy


@dataclass(frozen=True)
class AttemptResult:
    """What a channel answered: a status code (HTTP), or the error that made it fail."""

    status_code: int | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class OutcomePolicy:
    retry_schedule: list[float]
    health: HealthPolicy


@dataclass(frozen=True)
class Recorded:
    """For metrics after the commit: the outcome and whether the circuit opened/endpoint died."""

    outcome: str
    circuit_opened: bool = False
    disabled: bool = False
