"""The console's configuration, read from `CONSOLE_*` environment variables."""

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings, http_url, refuse_placeholder


class ConsoleSettings(ServiceSettings):
    """Where the services the console calls as the signed-in user answer, and its sessions."""

    model_config = SettingsConfigDict(env_prefix="CONSOLE_")

    http_port: int = Field(default=8010, ge=1, le=65535)
    identity_url: str = "http://127.0.0.1:8008"
    intake_url: str = "http://127.0.0.1:8001"
    routing_url: str = "http://127.0.0.1:8002"
    sla_url: str = "http://127.0.0.1:8003"
    knowledge_url: str = "http://127.0.0.1:8006"
    automation_url: str = "http://127.0.0.1:8009"
    insights_url: str = "http://127.0.0.1:8005"
    notify_url: str = "http://127.0.0.1:8004"
    session_secret: SecretStr = Field(
        description="Signs the session cookie (its session id); at least 16 characters."
    )
    cookie_secure: bool = Field(
        default=False, description="Send the session cookie over HTTPS only (behind TLS)."
    )
    upstream_timeout_seconds: float = Field(default=10, gt=0, le=120)
    queue_limit: int = Field(default=100, ge=1, le=500, description="Tickets shown in a queue.")
    consumer_fetch_max_wait_ms: int = Field(
        default=20,
        ge=1,
        le=5_000,
        description="A live row is a person waiting: the broker holds the console's fetches"
        " 20 ms, not 500.",
    )
    live_buffer: int = Field(
        default=200, ge=1, le=10_000, description="Events held per live stream before dropping."
    )

    @field_validator("session_secret")
    @classmethod
    def _real_session_secret(cls, value: SecretStr) -> SecretStr:
        return refuse_placeholder(value, field="session_secret")

    @field_validator(
        "identity_url", "intake_url", "routing_url", "sla_url", "knowledge_url", "automation_url",
        "insights_url", "notify_url",
    )  # fmt: skip
    @classmethod
    def _service_urls(cls, value: str) -> str:
        return http_url(value, field="service url").rstrip("/")
