"""Knowledge's configuration, read from `KNOWLEDGE_*` environment variables."""

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import ServiceSettings, refuse_placeholder
from ticketflow_common.signed_tokens import MIN_SECRET_BYTES


def _real_signing_secret(value: SecretStr | None, field: str) -> SecretStr | None:
    if value is None:
        return None
    refuse_placeholder(value, field=field)
    if len(value.get_secret_value().encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"{field} must be at least {MIN_SECRET_BYTES} bytes")
    return value


class KnowledgeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KNOWLEDGE_")

    http_port: int = Field(default=8006, ge=1, le=65535)
    access_token_secret: SecretStr | None = Field(
        default=None,
        description="Signs agents' and requesters' access tokens (HS256); unset: only the"
        " service token (admin) is accepted.",
    )
    answer_link_secret: SecretStr | None = Field(
        default=None,
        description="Verifies the signed 'this solved it' links notify mails to requesters;"
        " the same value as NOTIFY_KNOWLEDGE_ANSWER_LINK_SECRET.",
    )
    suggestion_limit: int = Field(default=5, ge=1, le=20, description="Items per suggestion.")
    suggestion_min_score: float = Field(
        default=0.05, ge=0, description="Items scoring less are not suggested."
    )
    stats_interval_seconds: float = Field(default=15.0, gt=0, le=3600)
    term_counts_seconds: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="How long a process remembers a term's statistics for suggestions (they"
        " are refreshed every few minutes anyway).",
    )

    @field_validator("access_token_secret")
    @classmethod
    def _real_access_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return _real_signing_secret(value, "access_token_secret")

    @field_validator("answer_link_secret")
    @classmethod
    def _real_answer_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return _real_signing_secret(value, "answer_link_secret")
