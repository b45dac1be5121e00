"""SLA's configuration, read from `SLA_*` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings
from ticketflow_common.timer_loop import TimerPacing


class SlaSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SLA_")

    http_port: int = Field(default=8003, ge=1, le=65535)
    timer_batch_size: int = Field(default=500, ge=1, le=10_000)
    timer_max_idle_seconds: float = Field(
        default=0.5, gt=0, le=60, description="Poll for timers at least this often."
    )
    timer_lookahead_seconds: float = Field(
        default=5.0, gt=0, le=300, description="Due instants kept in memory between polls."
    )
    stats_interval_seconds: float = Field(default=15.0, gt=0, le=3600)

    def timer_pacing(self) -> TimerPacing:
        return TimerPacing(
            batch_size=self.timer_batch_size,
            max_idle_seconds=self.timer_max_idle_seconds,
            lookahead_seconds=self.timer_lookahead_seconds,
        )
