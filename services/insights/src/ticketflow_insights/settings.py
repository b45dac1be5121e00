"""Insights' configuration, read from `INSIGHTS_*` environment variables."""

from typing import Literal

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
    staffing_interval_seconds: float = Field(
        default=900.0, gt=0, le=86400, description="How often the coming gaps are re-announced."
    )
    staffing_gap_horizon_hours: float = Field(
        default=48.0, gt=0, le=336, description="Gaps announced this far ahead (a day's notice)."
    )
    staffing_interval_minutes: Literal[15, 30, 60] = 30
    staffing_handling_weeks: int = Field(
        default=8, ge=1, le=104, description="Handling time is learned from this many weeks."
    )
    staffing_min_handled_tickets: int = Field(
        default=20, ge=1, description="Fewer resolved tickets than this: the default is used."
    )
    staffing_default_handle_seconds: float = Field(default=900.0, gt=0)
