"""Routing's configuration, read from `ROUTING_*` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings


class RoutingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ROUTING_")

    http_port: int = Field(default=8002, ge=1, le=65535)
