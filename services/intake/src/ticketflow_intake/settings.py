"""Intake's configuration, read from `INTAKE_*` environment variables."""

from datetime import timedelta

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings
from ticketflow_intake.domain.approvals import ApprovalTiming
from ticketflow_intake.domain.catalogue import MAX_APPROVAL_MINUTES


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_")

    http_port: int = Field(default=8001, ge=1, le=65535)
    reopen_window_hours: float = Field(default=168, gt=0, le=24 * 365)
    rate_limit_per_second: float = Field(default=50, gt=0, le=1_000_000)
    rate_limit_burst: int = Field(default=100, ge=1, le=1_000_000)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=10 * 1024 * 1024)
    require_if_match: bool = False
    """Changes to a ticket without `If-Match` answer 428 (RFC 6585) instead of applying."""

    approval_reminder_minutes: int = Field(default=240, ge=1, le=MAX_APPROVAL_MINUTES)
    """Remind approvers this long after a request, for categories that set no time of their own."""
    approval_escalation_minutes: int = Field(default=1440, ge=1, le=MAX_APPROVAL_MINUTES)
    """Escalate this long after a request, for categories that set no time of their own."""
    approval_rounds_poll_seconds: float = Field(default=5.0, gt=0, le=300)
    approval_link_secret: SecretStr | None = Field(
        default=None,
        description="Verifies the approve/reject links notify mails (notify's"
        " NOTIFY_APPROVAL_LINK_SECRET, the same value); unset: every link is refused.",
    )

    @model_validator(mode="after")
    def _escalation_after_reminder(self) -> "IntakeSettings":
        if self.approval_timing().check() is not None:
            raise ValueError("approval_escalation_minutes must exceed approval_reminder_minutes")
        return self

    def approval_timing(self) -> ApprovalTiming:
        """The service's default approval reminder and escalation times."""
        return ApprovalTiming(
            reminder_after=timedelta(minutes=self.approval_reminder_minutes),
            escalate_after=timedelta(minutes=self.approval_escalation_minutes),
        )

    def reopen_window(self) -> timedelta:
        """How long after its resolution a ticket may still be reopened."""
        return timedelta(hours=self.reopen_window_hours)
