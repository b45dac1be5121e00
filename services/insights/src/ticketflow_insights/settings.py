"""Insights' configuration, read from `INSIGHTS_*` environment variables."""

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings, refuse_placeholder
from ticketflow_common.time_zones import TimeZoneName

MIN_VIEWER_SECRET_BYTES = 32


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
    reports_interval_seconds: float = Field(
        default=900.0, gt=0, le=86400, description="How often due reports are looked for."
    )
    reports_grace_seconds: float = Field(
        default=3600.0,
        ge=0,
        le=7 * 86400,
        description="A period is reported this long after it ends: late events still count.",
    )
    reports_time_zone: TimeZoneName = Field(
        default="UTC", description="Where report weeks, months and quarters begin at midnight."
    )
    viewer_token_secret: SecretStr | None = Field(
        default=None,
        description="Signs the agents' and leads' viewer tokens (HS256); unset: only the service"
        " token (admin) is accepted.",
    )

    @field_validator("viewer_token_secret")
    @classmethod
    def _real_viewer_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Not a placeholder, and at least 32 bytes: RFC 7518 3.2's minimum for HS256."""
        if value is None:
            return None
        refuse_placeholder(value, field="viewer_token_secret")
        if len(value.get_secret_value().encode()) < MIN_VIEWER_SECRET_BYTES:
            raise ValueError(
                f"viewer_token_secret must be at least {MIN_VIEWER_SECRET_BYTES} bytes"
            )
        return value

    breach_risk_threshold: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Probability of a breach at which sla.at_risk goes out.",
    )
    breach_risk_interval_seconds: float = Field(
        default=60.0, gt=0, le=3600, description="How often every running clock is assessed."
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
