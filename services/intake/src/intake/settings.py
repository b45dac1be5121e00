"""Intake's configuration, read from `INTAKE_*` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_")

    http_port: int = Field(default=8001, ge=1, le=65535)
