"""Settings refuse placeholder secrets and read only their own prefix."""

import pytest
from pydantic import ValidationError

from intake.settings import IntakeSettings
from notify.settings import DEFAULT_RETRY_SCHEDULE, NotifySettings

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
