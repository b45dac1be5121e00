"""Routing's configuration, read from `ROUTING_*` environment variables."""

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings
from ticketflow_routing.domain.policy import DEFAULT_PICKUP_TIMEOUTS, RoutingPolicy


class RoutingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ROUTING_")

    http_port: int = Field(default=8002, ge=1, le=65535)
    pickup_timeout_seconds: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_PICKUP_TIMEOUTS),
        description="Per priority: how long an owner may leave a ticket unstarted (JSON).",
    )
    candidate_limit: int = Field(default=50, ge=1, le=1000)
    loop_max_idle_seconds: float = Field(default=1.0, gt=0, le=60)
    queue_sweep_interval_seconds: float = Field(default=2.0, gt=0, le=300)
    gauges_interval_seconds: float = Field(default=5.0, gt=0, le=300)

    @field_validator("pickup_timeout_seconds")
    @classmethod
    def _every_priority(cls, value: dict[str, float]) -> dict[str, float]:
        missing = set(DEFAULT_PICKUP_TIMEOUTS) - value.keys()
        if missing:
            raise ValueError(f"pickup_timeout_seconds lacks priorities {sorted(missing)}")
        if any(v <= 0 for v in value.values()):
            raise ValueError("pickup_timeout_seconds must be positive")
        return value

    def routing_policy(self) -> RoutingPolicy:
        return RoutingPolicy(
            pickup_timeout_seconds=dict(self.pickup_timeout_seconds),
            candidate_limit=self.candidate_limit,
        )
