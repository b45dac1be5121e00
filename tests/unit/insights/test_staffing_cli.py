"""`ticketflow staffing` and `staffing-gaps` call insights' paths and show its figures."""

from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from ticketflow_cli.app import app

WINDOW = {
    "gap_id": "6f1c7a1e-0d6b-5d0e-9d51-3c2b1a0f9e8d",
    "team": "network",
    "starts_at": "2025-06-02T12:00:00Z",
    "ends_at": "2025-06-02T13:30:00Z",
    "interval_minutes": 30,
    "forecast_arrivals": 300.0,
    "required_agents": 20,
    "scheduled_agents": 5,
    "shortfall": 15,
}
INTERVAL = {
    "forecast_arrivals": 100.0,
    "handle_seconds": 180.0,
    "required_agents": 20,
    "productive_agents": 14,
    "scheduled_agents": 5,
    "scheduled_service_level": 0.0,
}
PLAN = {
    "team": "network",
    "interval_minutes": 30,
    "model": "erlang_c",
    "handle_seconds": 180.0,
    "intervals": [
        {**INTERVAL, "interval_start": "2025-06-02T12:00:00Z", "gap": 15},
        {**INTERVAL, "interval_start": "2025-06-02T13:30:00Z", "gap": 0, "required_agents": 2},
    ],
    "gaps": [WINDOW],
}


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Every request the CLI sends, answered as insights would."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        gaps = {"items": [WINDOW], "next_cursor": None}
        body: Any = gaps if request.url.path == "/staffing/gaps" else PLAN
        return httpx.Response(200, json=body)

    real_client = httpx.Client

    def client(**kwargs: Any) -> httpx.Client:
        return real_client(transport=httpx.MockTransport(answer), **kwargs)

    monkeypatch.setattr(httpx, "Client", client)
    monkeypatch.setenv("INSIGHTS_API_TOKEN", "insights-token")
    monkeypatch.setenv("TICKETFLOW_INSIGHTS_URL", "http://insights.test:8005")
    return seen


def test_staffing_shows_required_against_scheduled(requests: list[httpx.Request]) -> None:
    result = CliRunner().invoke(
        app, ["staffing", "network", "--days", "2", "--gaps-only"], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    [request] = requests
    assert str(request.url) == "http://insights.test:8005/staffing/network?days=2&interval=30"
    assert request.headers["Authorization"] == "Bearer insights-token"
    assert "erlang_c" in result.output
    intervals_table = result.output.split("understaffed windows")[0]
    assert "2025-06-02T12:00:00Z" in intervals_table
    assert "2025-06-02T13:30:00Z" not in intervals_table  # --gaps-only
    assert str(WINDOW["gap_id"]) in result.output


def test_staffing_gaps_lists_the_windows(requests: list[httpx.Request]) -> None:
    result = CliRunner().invoke(app, ["staffing-gaps", "--hours", "24"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert requests[0].url.params["hours"] == "24.0"
    assert "network" in result.output
    assert "15" in result.output
