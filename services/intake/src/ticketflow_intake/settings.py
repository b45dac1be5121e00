"""Intake's configuration, read from `INTAKE_*` environment variables."""

from datetime import timedelta

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings, refuse_placeholder
from ticketflow_common.signed_tokens import MIN_SECRET_BYTES
from ticketflow_intake.domain.approvals import ApprovalTiming
from ticketflow_intake.domain.catalogue import MAX_APPROVAL_MINUTES
from ticketflow_intake.domain.surveys import SurveyPolicy


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_")

    http_port: int = Field(default=8001, ge=1, le=65535)
    reopen_window_hours: float = Field(default=168, gt=0, le=24 * 365)
    rate_limit_per_second: float = Field(default=50, gt=0, le=1_000_000)
    rate_limit_burst: int = Field(default=100, ge=1, le=1_000_000)
    rate_limit_lease: int = Field(
        default=64,
        ge=1,
        le=1_000_000,
        description="Most of a key's allowances one replica takes from the shared limit at once"
        " (at most half the burst) and spends in memory.",
    )
    rate_limit_lease_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="How long a replica may spend a lease; what is left unspent then is dropped.",
    )
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=10 * 1024 * 1024)
    require_if_match: bool = False
    """Changes to a ticket without `If-Match` answer 428 (RFC 6585) instead of applying."""
    survey_reminder_hours: float = Field(
        default=72,
        gt=0,
        le=24 * 365,
        description="An unanswered survey is reminded once, this long after its invitation.",
    )
    survey_lifetime_days: float = Field(
        default=14, gt=0, le=365, description="How long a survey (and its link) may be answered."
    )
    survey_link_secret: SecretStr | None = Field(
        default=None,
        description="Verifies the signed survey links notify mails to requesters: the same value"
        " as NOTIFY_SURVEY_LINK_SECRET; unset: every survey link is refused.",
    )
    survey_poll_seconds: float = Field(
        default=30, gt=0, le=3600, description="How often the survey worker looks for due work."
    )

    @field_validator("survey_link_secret")
    @classmethod
    def _real_survey_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        refuse_placeholder(value, field="survey_link_secret")
        if len(value.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"survey_link_secret must be at least {MIN_SECRET_BYTES} bytes")
        return value

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

    def survey_policy(self) -> SurveyPolicy:
        return SurveyPolicy(
            reminder_after=timedelta(hours=self.survey_reminder_hours),
            lifetime=timedelta(days=self.survey_lifetime_days),
        )

    def survey_secret(self) -> str | None:
        secret = self.survey_link_secret
        return None if secret is None else secret.get_secret_value()
