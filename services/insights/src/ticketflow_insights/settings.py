"""Insights' configuration, read from `INSIGHTS_*` environment variables."""

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings


class InsightsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INSIGHTS_")

    http_port: int = Field(default=8005, ge=1, le=65535)
    stats_interval_seconds: float = Field(default=15.0, gt=0, le=3600)
    holiday_calendar: str = Field(
        default="default", description="The SLA calendar whose holidays the forecasts know."
    )

    # forecast
    forecast_intervals: list[int] = Field(
        default=[30, 60], min_length=1, description="Interval lengths (minutes) refreshed."
    )
    forecast_weeks: int = Field(default=4, ge=1, le=12, description="Weeks forecast ahead.")
    forecast_history_weeks: int = Field(
        default=12, ge=3, le=104, description="Weeks of arrivals a fit learns from."
    )
    forecast_backtest_folds: int = Field(default=3, ge=1, le=8)
    forecast_refit_seconds: float = Field(default=6 * 3600.0, gt=0, le=7 * 86400)
    forecast_intraday_seconds: float = Field(default=900.0, gt=0, le=86400)
    forecast_intraday_hours: int = Field(
        default=8, ge=1, le=24, description="How far ahead today's arrivals so far rescale."
    )
    forecast_retention_days: int = Field(
        default=35, ge=1, le=3660, description="Past forecast rows kept to compare with actuals."
    )

    @field_validator("forecast_intervals")
    @classmethod
    def _known_intervals(cls, value: list[int]) -> list[int]:
        if not set(value) <= {15, 30, 60}:
            raise ValueError("intervals are 15, 30 or 60 minutes")
        return sorted(set(value))
