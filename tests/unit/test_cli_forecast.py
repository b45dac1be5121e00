"""`ticketflow forecast` and `forecast-accuracy`: what they ask insights and how they show it."""

from types import TracebackType
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from ticketflow_cli.app import app
from ticketflow_cli.commands import forecasts
from ticketflow_cli.settings import CliSettings

FORECAST: dict[str, Any] = {
    "team": "billing",
    "interval_minutes": 30,
    "generated_at": "2025-06-02T10:00:00Z",
    "intervals": [
        {
            "interval_start": "2025-06-02T10:00:00Z",
            "arrivals": 12.34,
            "lower": 7.0,
            "upper": 18.0,
            "source": "intraday",
            "actual": 3,
        },
        {
            "interval_start": "2025-06-02T10:30:00Z",
            "arrivals": 9.5,
            "lower": 5.0,
            "upper": 15.0,
            "source": "model",
            "actual": None,
        },
    ],
}
ACCURACY: dict[str, Any] = {
    "team": "billing",
    "interval_minutes": 30,
    "model_wape": 0.312,
    "baseline_wape": 0.448,
    "folds": 3,
    "history_days": 84,
    "computed_at": "2025-06-02T06:00:00Z",
    "beats_baseline": True,
}


class FakeInsights:
    """Stands in for ServiceClient: records each GET and answers from `answers`."""

    calls: ClassVar[list[tuple[str, dict[str, Any]]]] = []
    answers: ClassVar[dict[str, Any]] = {}

    def __init__(self, settings: CliSettings, service: str) -> None:
        assert service == "insights"

    def __enter__(self) -> "FakeInsights":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def get(self, path: str, *, params: dict[str, Any] | None = None) -> Any:
        self.calls.append((path, params or {}))
        return self.answers[path]


@pytest.fixture
def insights(monkeypatch: pytest.MonkeyPatch) -> type[FakeInsights]:
    FakeInsights.calls = []
    FakeInsights.answers = {
        "/forecasts/billing": FORECAST,
        "/forecasts/billing/accuracy": ACCURACY,
    }
    monkeypatch.setattr(forecasts, "ServiceClient", FakeInsights)
    return FakeInsights


@pytest.mark.parametrize("command", ["forecast", "forecast-accuracy"])
def test_both_commands_have_help(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert f"Usage: ticketflow {command} [OPTIONS] {{team}}" in result.output
    assert "--interval" in result.output


def test_forecast_asks_for_the_interval_and_weeks_and_shows_each_interval(
    insights: type[FakeInsights],
) -> None:
    result = CliRunner().invoke(
        app, ["forecast", "billing", "--interval", "30", "--weeks", "2"], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    assert insights.calls == [("/forecasts/billing", {"interval": 30, "weeks": 2})]
    assert "12.3" in result.output
    assert "7.0-18.0" in result.output
    assert "intraday" in result.output
    assert "22 expected over 2 week(s)" in result.output


def test_forecast_accuracy_shows_both_wapes(insights: type[FakeInsights]) -> None:
    result = CliRunner().invoke(app, ["forecast-accuracy", "billing"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert insights.calls == [("/forecasts/billing/accuracy", {"interval": 30})]
    assert "31.2%" in result.output
    assert "44.8%" in result.output
    assert "yes" in result.output


def test_rows_and_fields_say_dash_for_what_is_missing() -> None:
    interval = {"interval_start": "2025-06-02T10:30:00Z", "arrivals": 9.5, "source": "model"}
    rows = forecasts.forecast_rows({"intervals": [{**interval, "lower": None, "upper": None}]})
    assert rows[0][2] == "---"
    fields = forecasts.accuracy_fields(
        {**ACCURACY, "model_wape": None, "baseline_wape": None, "beats_baseline": None}
    )
    assert fields["model WAPE"] == "-"
    assert fields["beats baseline"] == "-"


def test_the_insights_url_and_token_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKETFLOW_INSIGHTS_URL", "http://insights.example:8005/")
    monkeypatch.setenv("INSIGHTS_API_TOKEN", "a-secret-insights-token")
    settings = CliSettings()
    assert settings.url("insights") == "http://insights.example:8005"
    assert settings.token("insights") == "a-secret-insights-token"
    assert "a-secret-insights-token" not in repr(settings)
