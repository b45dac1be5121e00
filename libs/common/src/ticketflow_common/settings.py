"""Settings every service reads; each service subclasses with its own env prefix."""

import json
from datetime import timedelta
from typing import Self
from urllib.parse import urlsplit

import jwt
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ticketflow_common.db import DbTimeouts
from ticketflow_common.kafka import FETCH_MAX_WAIT_MS
from ticketflow_common.oidc_settings import OidcSettings

PLACEHOLDER_SECRETS = frozenset({"changeme", "changethis", "secret", "password", "token", "admin"})
MIN_SECRET_LENGTH = 16


def refuse_placeholder(value: SecretStr, *, field: str) -> SecretStr:
    """Reject secrets that are empty, short or copied from an example file."""
    raw = value.get_secret_value()
    if raw.lower() in PLACEHOLDER_SECRETS or len(raw) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"{field} must be a real secret of at least {MIN_SECRET_LENGTH} characters, "
            "not a placeholder"
        )
    return value


def http_url(value: str, *, field: str) -> str:
    """An absolute http(s) URL with a host, without a trailing slash."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{field} must be an absolute http:// or https:// URL, got {value!r}")
    return value.rstrip("/") if field == "identity_issuer" else value


def parse_key_set(value: str, *, field: str) -> jwt.PyJWKSet:
    """A JWK set from its JSON (`{"keys": [...]}`), or a ValueError naming `field`."""
    try:
        raw = json.loads(value)
        keys = raw["keys"] if isinstance(raw, dict) else None
        if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
            raise ValueError('expected {"keys": [...]}')
        if any("d" in k for k in keys):
            raise ValueError("it holds a private key; publish public keys only")
        return jwt.PyJWKSet(keys)
    except (jwt.PyJWKError, jwt.PyJWKSetError, ValueError, TypeError, KeyError) as error:
        raise ValueError(f"{field} is not a JSON Web Key Set: {error}") from None


class ServiceSettings(OidcSettings, BaseSettings):
    """Infrastructure endpoints, HTTP binding and the API token shared by every service; the
    external issuer of single sign-on (`OidcSettings`)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    database_url: SecretStr
    kafka_bootstrap_servers: str = Field(min_length=1)
    http_host: str = "127.0.0.1"
    http_port: int = Field(ge=1, le=65535)
    api_token: SecretStr
    topic_prefix: str = Field(default="", pattern=r"^[a-zA-Z0-9._-]*$")
    log_level: str = "INFO"
    db_pool_max_size: int = Field(default=20, ge=2, le=200)
    consumer_max_attempts: int = Field(default=3, ge=1, le=20)
    consumer_batch_size: int = Field(
        default=50,
        ge=1,
        le=500,
        description="Events of one partition applied in one transaction when they arrive together"
        " (1: a transaction per event); a failing batch is redone an event at a time.",
    )
    readiness_needs_kafka: bool = Field(
        default=False,
        description="Readiness also needs Kafka and a joined consumer group (a consumer-only"
        " replica); by default it needs Postgres only, as HTTP work goes through the outbox.",
    )
    consumer_lag_interval_seconds: float = Field(
        default=10, gt=0, le=3600, description="How often consumer lag is read from the broker."
    )
    consumer_fetch_max_wait_ms: int = Field(
        default=FETCH_MAX_WAIT_MS,
        ge=1,
        le=5_000,
        description="How long the broker may hold a fetch that has nothing yet (a small value"
        " hears a new event sooner, for more idle fetches).",
    )
    outbox_batch_size: int = Field(default=500, ge=1, le=10_000)
    auth_failure_limit: int = Field(
        default=10, ge=1, le=10_000, description="Failed authentications per client address..."
    )
    auth_failure_window_seconds: float = Field(
        default=60, gt=0, le=86_400, description="...per this window, then 429 until it passes."
    )
    # Bounds on every pooled statement, lock wait and open transaction (0 turns one off).
    db_statement_timeout_seconds: float = Field(default=30, ge=0, le=86_400)
    db_lock_timeout_seconds: float = Field(default=10, ge=0, le=86_400)
    db_idle_in_transaction_timeout_seconds: float = Field(default=60, ge=0, le=86_400)
    db_command_timeout_seconds: float = Field(default=60, ge=0, le=86_400)
    # Processed-event records are kept longer than any event can come again: Kafka's retention
    # of the topics and their DLQs (a replay from a DLQ re-sends to every consumer).
    kafka_retention_days: float = Field(default=7, gt=0, le=3650)
    processed_events_retention_days: float = Field(default=30, gt=0, le=3650)
    processed_events_prune_batch_size: int = Field(default=5000, ge=1, le=100_000)
    processed_events_prune_interval_seconds: float = Field(default=600, gt=0, le=86_400)
    # One identity (#17): once `identity_issuer` is set, access tokens identity signs are
    # accepted and the service token is only a bootstrap credential.
    identity_issuer: str | None = Field(
        default=None, description="Identity's public URL, the `iss` of its access tokens."
    )
    identity_jwks_url: str | None = Field(
        default=None, description="Identity's key set; default {issuer}/.well-known/jwks.json."
    )
    identity_jwks: str | None = Field(
        default=None, description="The key set inline (JSON), instead of fetching it."
    )
    identity_revocation_refresh_seconds: float = Field(default=1, gt=0, le=3600)

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr) -> SecretStr:
        scheme = urlsplit(value.get_secret_value()).scheme
        if scheme not in ("postgresql", "postgres"):
            raise ValueError("database_url must be a postgresql:// URL")
        return value

    @field_validator("api_token")
    @classmethod
    def _real_api_token(cls, value: SecretStr) -> SecretStr:
        return refuse_placeholder(value, field="api_token")

    @field_validator("identity_issuer", "identity_jwks_url")
    @classmethod
    def _identity_urls(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else http_url(value, field=str(info.field_name))

    @field_validator("identity_jwks")
    @classmethod
    def _inline_key_set(cls, value: str | None) -> str | None:
        if value is not None:
            parse_key_set(value, field="identity_jwks")
        return value

    @model_validator(mode="after")
    def _consistent_horizons(self) -> Self:
        if self.processed_events_retention_days <= self.kafka_retention_days:
            raise ValueError(
                "processed_events_retention_days must be longer than kafka_retention_days, "
                "or a redelivered or replayed event would be applied twice"
            )
        statement, command = self.db_statement_timeout_seconds, self.db_command_timeout_seconds
        if command and (not statement or command <= statement):
            raise ValueError(
                "db_command_timeout_seconds must be longer than db_statement_timeout_seconds "
                "(and 0 when that is 0), so Postgres cancels a slow statement first"
            )
        return self

    def db_timeouts(self) -> DbTimeouts:
        return DbTimeouts(
            statement_seconds=self.db_statement_timeout_seconds,
            lock_seconds=self.db_lock_timeout_seconds,
            idle_in_transaction_seconds=self.db_idle_in_transaction_timeout_seconds,
            command_seconds=self.db_command_timeout_seconds,
        )

    @property
    def identity_configured(self) -> bool:
        """Identity's tokens are accepted, and the service token is a bootstrap credential."""
        return self.identity_issuer is not None

    @property
    def identity_key_set_url(self) -> str | None:
        """Where identity publishes its key set (None without an issuer)."""
        if self.identity_jwks_url is not None:
            return self.identity_jwks_url
        if self.identity_issuer is None:
            return None
        return f"{self.identity_issuer}/.well-known/jwks.json"

    @property
    def processed_events_retention(self) -> timedelta:
        return timedelta(days=self.processed_events_retention_days)
