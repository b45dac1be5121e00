"""Insights' configuration, read from `INSIGHTS_*` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings
from ticketflow_common.time_zones import TimeZoneName


class InsightsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INSIGHTS_")

    http_port: int = Field(default=8005, ge=1, le=65535)
    stats_interval_seconds: float = Field(default=15.0, gt=0, le=3600)
    holiday_calendar: str = Field(
        default="default", description="The SLA calendar whose holidays the forecasts know."
    )
    reports_interval_seconds: float = Field(
        default=900.0, gt=0, le=86400, description="How often due reports are looked for."
    )
    reports_time_zone: TimeZoneName = Field(
        default="UTC", description="Where report weeks, months and quarters begin at midnight."
    )
