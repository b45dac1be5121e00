"""Automation's configuration, read from `AUTOMATION_*` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings
from ticketflow_common.timer_loop import TimerPacing


class AutomationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AUTOMATION_")

    http_port: int = Field(default=8009, ge=1, le=65535)
    max_chain_depth: int = Field(
        default=5,
        ge=1,
        le=50,
        description="A change made by a rule may trigger other rules, down to this depth.",
    )
    history_days: int = Field(
        default=30, ge=1, le=366, description="Events kept for dry runs of new or changed rules."
    )
    timer_batch_size: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="Rule timers fired per transaction: a firing shows when its batch commits.",
    )
    timer_max_idle_seconds: float = Field(
        default=0.5, gt=0, le=60, description="Poll for due rule timers at least this often."
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
