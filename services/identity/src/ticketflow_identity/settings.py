"""Identity's configuration, read from `IDENTITY_*` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_")

    http_port: int = Field(default=8008, ge=1, le=65535)
    public_url: str = Field(
        default="http://127.0.0.1:8008",
        min_length=1,
        description="The issuer (`iss`) of every access token and the base of the key set URL.",
    )
    access_token_seconds: int = Field(
        default=600, ge=30, le=3600, description="How long an access token lives."
    )
