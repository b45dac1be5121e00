"""Where the services and Kafka are, and the credential to call them: environment, then
`.local/`.

Variables already in the environment win; `.local/env` and `.local/api-tokens.env` (what
`make run` writes, relative to the working directory) fill in the rest. One identity API key
(`TICKETFLOW_API_KEY`) is the credential for every service; without one, each service's own
`<SERVICE>_API_TOKEN`. Secrets stay `SecretStr`, so neither a repr nor an error message ever
shows them.
"""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ticketflow_cli.failures import CommandFailed, ExitCode

Service = Literal["intake", "routing", "sla", "notify", "insights", "knowledge"]
SERVICES: tuple[Service, ...] = ("intake", "routing", "sla", "notify")
"""The services the demo desk is seeded through (`ticketflow demo` needs a token for each)."""
ENV_FILES = (".local/env", ".local/api-tokens.env")


def default_token_cache_dir() -> str:
    """Where exchanged access tokens are kept between commands: the user's cache folder."""
    base = Path.home() / ".cache"
    return str(base / "ticketflow")


class CliSettings(BaseSettings):
    """`TICKETFLOW_<SERVICE>_URL`, the API key (or `<SERVICE>_API_TOKEN`), Kafka and the topic
    prefix."""

    model_config = SettingsConfigDict(
        extra="ignore", frozen=True, env_file=ENV_FILES, env_file_encoding="utf-8"
    )

    intake_url: str = Field("http://127.0.0.1:8001", validation_alias="TICKETFLOW_INTAKE_URL")
    routing_url: str = Field("http://127.0.0.1:8002", validation_alias="TICKETFLOW_ROUTING_URL")
    sla_url: str = Field("http://127.0.0.1:8003", validation_alias="TICKETFLOW_SLA_URL")
    notify_url: str = Field("http://127.0.0.1:8004", validation_alias="TICKETFLOW_NOTIFY_URL")
    insights_url: str = Field("http://127.0.0.1:8005", validation_alias="TICKETFLOW_INSIGHTS_URL")
    knowledge_url: str = Field("http://127.0.0.1:8006", validation_alias="TICKETFLOW_KNOWLEDGE_URL")
    identity_url: str = Field("http://127.0.0.1:8008", validation_alias="TICKETFLOW_IDENTITY_URL")
    api_key: SecretStr | None = Field(None, validation_alias="TICKETFLOW_API_KEY")
    token_cache_dir: str = Field(
        default_factory=default_token_cache_dir,
        validation_alias="TICKETFLOW_TOKEN_CACHE_DIR",
        description="Where access tokens are cached (0600 files); empty: in memory only.",
    )
    intake_api_token: SecretStr | None = Field(None, validation_alias="INTAKE_API_TOKEN")
    routing_api_token: SecretStr | None = Field(None, validation_alias="ROUTING_API_TOKEN")
    sla_api_token: SecretStr | None = Field(None, validation_alias="SLA_API_TOKEN")
    notify_api_token: SecretStr | None = Field(None, validation_alias="NOTIFY_API_TOKEN")
    insights_api_token: SecretStr | None = Field(None, validation_alias="INSIGHTS_API_TOKEN")
    knowledge_api_token: SecretStr | None = Field(None, validation_alias="KNOWLEDGE_API_TOKEN")
    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:29092", min_length=1, validation_alias="TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS"
    )
    topic_prefix: str = Field(
        default="", pattern=r"^[a-zA-Z0-9._-]*$", validation_alias="TICKETFLOW_TOPIC_PREFIX"
    )
    http_timeout_seconds: float = Field(
        default=10.0, gt=0, le=300, validation_alias="TICKETFLOW_HTTP_TIMEOUT_SECONDS"
    )

    @field_validator(
        "intake_url",
        "routing_url",
        "sla_url",
        "notify_url",
        "insights_url",
        "knowledge_url",
        "identity_url",
    )
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    def url(self, service: Service) -> str:
        url: str = getattr(self, f"{service}_url")
        return url

    def token(self, service: Service) -> str | None:
        """The bearer token, or None when unset or empty."""
        secret: SecretStr | None = getattr(self, f"{service}_api_token")
        if secret is None or not secret.get_secret_value():
            return None
        return secret.get_secret_value()

    def identity_key(self) -> str | None:
        """The identity API key (`tfid_...`), or None when unset or empty."""
        if self.api_key is None or not self.api_key.get_secret_value():
            return None
        return self.api_key.get_secret_value()


def url_variable(service: Service) -> str:
    return f"TICKETFLOW_{service.upper()}_URL"


def token_variable(service: Service) -> str:
    return f"{service.upper()}_API_TOKEN"


def load_settings() -> CliSettings:
    """The settings, or a `CommandFailed` naming the variable that is wrong."""
    try:
        return CliSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise CommandFailed(
            f"invalid configuration: {problems}", code=ExitCode.CONFIGURATION
        ) from exc
