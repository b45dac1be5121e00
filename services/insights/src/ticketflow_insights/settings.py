"""Insights' configuration, read from `INSIGHTS_*` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings


class InsightsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INSIGHTS_")

    http_port: int = Field(default=8005, ge=1, le=65535)
    stats_interval_seconds: float = Field(default=15.0, gt=0, le=3600)
    holiday_calendar: str = Field(
        default="default", description="The SLA calendar whose holidays the forecasts know."
    )
    breach_risk_threshold: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Probability of a breach at which sla.at_risk goes out.",
    )
    breach_risk_interval_seconds: float = Field(
        default=60.0, gt=0, le=3600, description="How often every running clock is assessed."
    )
