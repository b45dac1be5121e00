"""Notify's configuration, read from `NOTIFY_*` environment variables."""

import ipaddress

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings
from ticketflow_common.smtp import SmtpTls
from ticketflow_notify.domain.approval_mail import ApprovalLinks
from ticketflow_notify.domain.endpoint_health import HealthPolicy
from ticketflow_notify.domain.knowledge_mail import AnswerLinks
from ticketflow_notify.domain.network_policy import IPNetwork, parse_networks
from ticketflow_notify.domain.outcomes import OutcomePolicy
from ticketflow_notify.domain.quiet_hours import QuietHoursPolicy
from ticketflow_notify.domain.survey_mail import SurveyLinks

# Delay before each retry of a failed delivery, one retry per entry: immediately, 5 s, 5 min,
# 30 min, 2 h, 5 h, 10 h, 10 h (~27.6 h after the first attempt, 9 attempts in all).
DEFAULT_RETRY_SCHEDULE = [0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0]


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_")

    http_port: int = Field(default=8004, ge=1, le=65535)
    retry_schedule_seconds: list[float] = Field(
        default_factory=lambda: list(DEFAULT_RETRY_SCHEDULE), min_length=1, max_length=30
    )
    webhook_timeout_seconds: float = Field(default=15.0, gt=0, le=60)
    delivery_batch_size: int = Field(default=100, ge=1, le=1000)
    delivery_concurrency: int = Field(default=32, ge=1, le=1000)
    max_idle_seconds: float = Field(default=0.25, gt=0, le=60)

    # Safety: CIDRs of private/loopback/link-local networks webhooks may call anyway.
    allowed_private_networks: list[str] = Field(default_factory=list, max_length=100)

    # Endpoint health: circuit breaker and disabling an endpoint that fails for days.
    circuit_failure_threshold: int = Field(default=5, ge=1, le=1000)
    circuit_open_seconds: float = Field(default=60.0, gt=0, le=86_400)
    endpoint_disable_after_seconds: float = Field(default=5 * 86_400, gt=0)

    # Noise control.
    quiet_hours_bypass_types: list[str] = Field(
        default_factory=lambda: ["sla.escalated", "ticket.escalated"],
        description="Event types delivered even during a recipient's quiet hours.",
    )
    insights_url: str = Field(
        default="http://127.0.0.1:8005",
        max_length=500,
        description="Insights' address as mail readers reach it: reports' links start with it.",
    )
    knowledge_public_url: str = Field(
        default="http://127.0.0.1:8006",
        max_length=500,
        description="Knowledge's address as mail readers reach it: answer links start with it.",
    )
    knowledge_answer_link_secret: SecretStr | None = Field(
        default=None,
        description="Signs the answer links mailed with suggestions (knowledge's"
        " KNOWLEDGE_ANSWER_LINK_SECRET); unset: suggestions are mailed without links.",
    )
    approval_public_url: str = Field(
        default="http://127.0.0.1:8001",
        max_length=500,
        description="Intake's address as mail readers reach it: approve/reject links start"
        " with it.",
    )
    approval_link_secret: SecretStr | None = Field(
        default=None,
        description="Signs the approve/reject links mailed to approvers (intake's"
        " INTAKE_APPROVAL_LINK_SECRET, the same value); unset: approval mail carries no links.",
    )
    survey_public_url: str = Field(
        default="http://127.0.0.1:8001",
        max_length=500,
        description="Intake's address as mail readers reach it: survey links start with it.",
    )
    survey_link_secret: SecretStr | None = Field(
        default=None,
        description="Signs the one-click survey links (intake's INTAKE_SURVEY_LINK_SECRET);"
        " unset: survey mail asks for a rating without links.",
    )
    event_retention_days: int = Field(
        default=14,
        ge=1,
        le=3650,
        description="Days the events API keeps an event after notify recorded it.",
    )
    digest_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    stats_interval_seconds: float = Field(default=5.0, gt=0, le=300)

    # Email over SMTP.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_tls: SmtpTls = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = Field(default="Ticketflow <notify@ticketflow.invalid>", min_length=3)
    smtp_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    smtp_ca_file: str | None = Field(
        default=None, description="CA bundle to verify the SMTP server with (default: system)."
    )

    @field_validator("allowed_private_networks")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        for cidr in value:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as exc:
                raise ValueError(f"{cidr!r} is not a CIDR network") from exc
        return value

    def quiet_hours_policy(self) -> QuietHoursPolicy:
        return QuietHoursPolicy(bypass_types=frozenset(self.quiet_hours_bypass_types))

    def outcome_policy(self) -> OutcomePolicy:
        return OutcomePolicy(
            retry_schedule=self.retry_schedule_seconds,
            health=HealthPolicy(
                failure_threshold=self.circuit_failure_threshold,
                open_seconds=self.circuit_open_seconds,
                disable_after_seconds=self.endpoint_disable_after_seconds,
            ),
        )

    def answer_links(self) -> AnswerLinks:
        secret = self.knowledge_answer_link_secret
        return AnswerLinks(
            public_url=self.knowledge_public_url,
            secret=secret.get_secret_value() if secret else None,
        )

    def approval_links(self) -> ApprovalLinks:
        secret = self.approval_link_secret
        return ApprovalLinks(
            public_url=self.approval_public_url,
            secret=secret.get_secret_value() if secret else None,
        )

    def survey_links(self) -> SurveyLinks:
        secret = self.survey_link_secret
        return SurveyLinks(
            public_url=self.survey_public_url,
            secret=secret.get_secret_value() if secret else None,
        )

    def allowed_networks(self) -> list[IPNetwork]:
        """Private networks webhooks may call anyway (the SSRF guard's exceptions)."""
        return parse_networks(self.allowed_private_networks)
