"""Notify's configuration, read from `NOTIFY_*` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings

# Delay before each attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (~27.6 h).
DEFAULT_RETRY_SCHEDULE = [0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0]


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_")

    http_port: int = Field(default=8004, ge=1, le=65535)
    retry_schedule_seconds: list[float] = Field(
        default_factory=lambda: list(DEFAULT_RETRY_SCHEDULE), min_length=1, max_length=30
    )
    webhook_timeout_seconds: float = Field(default=15.0, gt=0, le=60)
    delivery_batch_size: int = Field(default=100, ge=1, le=1000)
    delivery_concurrency: int = Field(default=32, ge=1, le=1000)
    max_idle_seconds: float = Field(default=0.25, gt=0, le=60)
