"""Intake's configuration, read from `INTAKE_*` environment variables."""

from datetime import timedelta

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_")

    http_port: int = Field(default=8001, ge=1, le=65535)
    reopen_window_hours: float = Field(default=168, gt=0, le=24 * 365)
    rate_limit_per_second: float = Field(default=50, gt=0, le=1_000_000)
    rate_limit_burst: int = Field(default=100, ge=1, le=1_000_000)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=10 * 1024 * 1024)
    require_if_match: bool = False
    """Changes to a ticket without `If-Match` answer 428 (RFC 6585) instead of applying."""

    def reopen_window(self) -> timedelta:
        """How long after its resolution a ticket may still be reopened."""
        return timedelta(hours=self.reopen_window_hours)
