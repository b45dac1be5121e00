"""Mail's configuration, read from `MAIL_*` environment variables."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings


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
    smtp_relay_tls: bool = False
    smtp_relay_user: str | None = None
    smtp_relay_password: SecretStr | None = None
    from_address: str = Field(
        default="support@ticketflow.localhost",
        description="The desk's address: replies are sent from it and requesters answer to it.",
    )
    from_name: str = "Ticketflow Support"
    message_id_domain: str = Field(default="ticketflow.localhost", min_length=1)
