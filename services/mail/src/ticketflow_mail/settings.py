"""Mail's configuration, read from `MAIL_*` environment variables."""

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings, refuse_placeholder
from ticketflow_common.signed_tokens import MIN_SECRET_BYTES
from ticketflow_common.smtp import SmtpRelay
from ticketflow_mail.domain.replies import ReplyPolicy

# Delay before each retry of a reply the relay did not take: 10 s, 1 min, 5 min, 30 min, 2 h,
# 6 h (~8.6 h after the first attempt, 7 attempts in all; then the reply is dead).
DEFAULT_REPLY_RETRY_SCHEDULE = [10.0, 60.0, 300.0, 1800.0, 7200.0, 21600.0]


class MailSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MAIL_")

    http_port: int = Field(default=8007, ge=1, le=65535)
    access_token_secret: SecretStr | None = Field(
        default=None,
        description="Signs agents' and requesters' access tokens (HS256); unset: only the"
        " service token (admin) is accepted.",
    )
    # Inbound: the SMTP gateway a mail transfer agent relays to, and an optional IMAP mailbox.
    smtp_gateway_port: int = Field(default=2525, ge=0, le=65535, description="0: no gateway.")
    smtp_gateway_hostname: str = Field(default="ticketflow.localhost", min_length=1)
    smtp_gateway_host: str = Field(
        default="127.0.0.1", description="The address the gateway listens on (loopback)."
    )
    accepted_domains: list[str] = Field(
        default_factory=list,
        description="Recipient domains the gateway takes mail for; empty: any recipient.",
    )
    imap_host: str | None = Field(default=None, description="Unset: no mailbox is polled.")
    imap_port: int = Field(default=993, ge=1, le=65535)
    imap_tls: bool = True
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_mailbox: str = "INBOX"
    imap_poll_seconds: float = Field(default=30.0, gt=0, le=3600)
    imap_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    process_batch_size: int = Field(default=20, ge=1, le=1000)
    process_idle_seconds: float = Field(
        default=5.0, gt=0, le=3600, description="Longest wait between looks for mails to process."
    )
    # Limits: what is refused or kept aside.
    max_message_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    max_attachment_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    max_attachments: int = Field(default=20, ge=0, le=200)
    sender_rate_limit: int = Field(default=20, ge=1, description="Mails per sender per window.")
    sender_rate_window_seconds: float = Field(default=3600.0, gt=0)
    # Outbound: replies to requesters, in their ticket's thread.
    smtp_relay_host: str = "127.0.0.1"
    smtp_relay_port: int = Field(default=25, ge=1, le=65535)
    smtp_relay_tls: bool = Field(default=False, description="Implicit TLS (port 465).")
    smtp_relay_starttls: bool = Field(default=False, description="STARTTLS after connecting.")
    smtp_relay_ca_file: str | None = Field(
        default=None, description="CA bundle to verify the relay with (default: system)."
    )
    smtp_relay_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    smtp_relay_user: str | None = None
    smtp_relay_password: SecretStr | None = None
    from_address: str = Field(
        default="support@ticketflow.localhost",
        description="The desk's address: replies are sent from it and requesters answer to it.",
    )
    from_name: str = "Ticketflow Support"
    message_id_domain: str = Field(default="ticketflow.localhost", min_length=1)
    reply_retry_schedule: list[float] = Field(
        default_factory=lambda: list(DEFAULT_REPLY_RETRY_SCHEDULE),
        min_length=0,
        max_length=20,
        description="Seconds before each retry of a reply the relay did not take; then dead.",
    )
    reply_batch_size: int = Field(default=20, ge=1, le=500)
    reply_idle_seconds: float = Field(
        default=5.0, gt=0, le=600, description="How often due replies are looked for at most."
    )
    reply_max_references: int = Field(
        default=20, ge=1, le=100, description="Message-IDs a reply's References header names."
    )

    @field_validator("access_token_secret")
    @classmethod
    def _real_access_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        refuse_placeholder(value, field="access_token_secret")
        if len(value.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"access_token_secret must be at least {MIN_SECRET_BYTES} bytes")
        return value

    @field_validator("reply_retry_schedule")
    @classmethod
    def _non_negative_delays(cls, value: list[float]) -> list[float]:
        if any(delay < 0 for delay in value):
            raise ValueError("reply_retry_schedule delays must not be negative")
        return value

    def smtp_relay(self) -> SmtpRelay:
        """The relay replies are handed to."""
        if self.smtp_relay_tls and self.smtp_relay_starttls:
            raise ValueError("smtp_relay_tls and smtp_relay_starttls exclude each other")
        return SmtpRelay(
            host=self.smtp_relay_host,
            port=self.smtp_relay_port,
            tls="implicit"
            if self.smtp_relay_tls
            else "starttls"
            if self.smtp_relay_starttls
            else "none",
            username=self.smtp_relay_user,
            password=self.smtp_relay_password,
            timeout_seconds=self.smtp_relay_timeout_seconds,
            ca_file=self.smtp_relay_ca_file,
        )

    def reply_policy(self) -> ReplyPolicy:
        """From whom replies go and how they are retried; a lease outlasts any one hand-over."""
        return ReplyPolicy(
            from_name=self.from_name,
            from_address=self.from_address,
            message_id_domain=self.message_id_domain,
            retry_schedule=list(self.reply_retry_schedule),
            max_references=self.reply_max_references,
            lease_seconds=self.smtp_relay_timeout_seconds * 4 + 30,
        )
