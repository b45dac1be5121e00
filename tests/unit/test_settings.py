"""Settings refuse placeholder secrets and read only their own prefix."""

import pytest
from pydantic import ValidationError

from ticketflow_intake.settings import IntakeSettings
from ticketflow_notify.settings import DEFAULT_RETRY_SCHEDULE, NotifySettings
from ticketflow_routing.settings import RoutingSettings

DSN = "postgresql://u:p@127.0.0.1:5432/db"


@pytest.mark.parametrize("token", ["changeme", "secret", "short-token", ""])
def test_placeholder_or_short_api_tokens_are_refused(
    monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.setenv("INTAKE_DATABASE_URL", DSN)
    monkeypatch.setenv("INTAKE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    monkeypatch.setenv("INTAKE_API_TOKEN", token)
    with pytest.raises(ValidationError, match="api_token"):
        IntakeSettings()


def test_each_service_reads_only_its_own_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_DATABASE_URL", DSN)
    monkeypatch.setenv("INTAKE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    monkeypatch.setenv("INTAKE_API_TOKEN", "a-real-token-of-enough-length")
    monkeypatch.setenv("ROUTING_HTTP_PORT", "9999")
    settings = IntakeSettings()
    assert settings.http_port == 8001
    assert "a-real-token" not in repr(settings), "secrets never show in reprs or logs"


def test_notify_retry_schedule_defaults_to_more_than_a_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFY_DATABASE_URL", DSN)
    monkeypatch.setenv("NOTIFY_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    monkeypatch.setenv("NOTIFY_API_TOKEN", "a-real-token-of-enough-length")
    settings = NotifySettings()
    assert settings.retry_schedule_seconds == DEFAULT_RETRY_SCHEDULE
    assert sum(DEFAULT_RETRY_SCHEDULE) > 24 * 3600
    monkeypatch.setenv("NOTIFY_RETRY_SCHEDULE_SECONDS", "[0, 0.5, 1]")
    assert NotifySettings().retry_schedule_seconds == [0, 0.5, 1]


def test_a_database_url_that_is_not_postgres_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_DATABASE_URL", "mysql://u:p@h/db")
    monkeypatch.setenv("INTAKE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    monkeypatch.setenv("INTAKE_API_TOKEN", "a-real-token-of-enough-length")
    with pytest.raises(ValidationError, match="database_url"):
        IntakeSettings()


def base_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTING_DATABASE_URL", DSN)
    monkeypatch.setenv("ROUTING_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    monkeypatch.setenv("ROUTING_API_TOKEN", "a-real-token-of-enough-length")


def test_database_timeouts_have_defaults_the_pool_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    base_env(monkeypatch)
    timeouts = RoutingSettings().db_timeouts()
    assert timeouts.server_settings() == {
        "statement_timeout": "30000",
        "lock_timeout": "10000",
        "idle_in_transaction_session_timeout": "60000",
    }
    assert timeouts.command_timeout == 60.0
    monkeypatch.setenv("ROUTING_DB_STATEMENT_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("ROUTING_DB_COMMAND_TIMEOUT_SECONDS", "0")
    changed = RoutingSettings().db_timeouts()
    assert changed.server_settings()["statement_timeout"] == "2500"
    assert changed.command_timeout is None


def test_a_client_timeout_shorter_than_the_statement_timeout_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base_env(monkeypatch)
    monkeypatch.setenv("ROUTING_DB_COMMAND_TIMEOUT_SECONDS", "20")
    with pytest.raises(ValidationError, match="db_command_timeout_seconds"):
        RoutingSettings()


def test_processed_events_are_kept_longer_than_kafka_keeps_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base_env(monkeypatch)
    assert RoutingSettings().processed_events_retention_days == 30
    monkeypatch.setenv("ROUTING_PROCESSED_EVENTS_RETENTION_DAYS", "7")
    with pytest.raises(ValidationError, match="kafka_retention_days"):
        RoutingSettings()
    monkeypatch.setenv("ROUTING_KAFKA_RETENTION_DAYS", "3")
    assert RoutingSettings().processed_events_retention_days == 7
