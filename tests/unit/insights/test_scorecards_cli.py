"""`ticketflow scorecard team|agent` call insights' paths and show each figure by its target."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from ticketflow_cli.app import app
from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_insights.domain.periods import period_containing
from ticketflow_insights.domain.scorecards import DwellFigure, ScorecardCounts, build_scorecard
from ticketflow_insights.domain.targets import TeamTargets

WEEK = period_containing("week", datetime(2025, 6, 4, tzinfo=UTC))
CARD = build_scorecard(
    scope="team",
    id="network",
    period=WEEK,
    as_of=datetime(2025, 6, 4, 12, tzinfo=UTC),
    counts=ScorecardCounts(
        handled=4,
        first_contact_resolved=3,
        responded=4,
        responded_within_target=4,
        first_response_p50_seconds=1800,
        resolution_p50_seconds=7200,
        clocks_met=9,
        clocks_breached=1,
        dwell={"pending": DwellFigure(tickets=2, median_seconds=600, total_seconds=1500)},
    ),
    targets=TeamTargets(),
).model_dump(mode="json")


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Every request the CLI sends, answered with CARD (403 for another agent)."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/someone-else"):
            return httpx.Response(403, json={"title": "Forbidden", "status": 403, "detail": "no"})
        return httpx.Response(200, json=CARD)

    real_client = httpx.Client

    def client(**kwargs: Any) -> httpx.Client:
        return real_client(transport=httpx.MockTransport(answer), **kwargs)

    monkeypatch.setattr(httpx, "Client", client)
    monkeypatch.setenv("INSIGHTS_API_TOKEN", "insights-token")
    monkeypatch.setenv("TICKETFLOW_INSIGHTS_URL", "http://insights.test:8005")
    return seen


def test_a_team_scorecard_is_a_table_of_figures_and_targets(
    requests: list[httpx.Request],
) -> None:
    result = CliRunner().invoke(
        app, ["scorecard", "team", "network", "--period", "month"], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    [request] = requests
    assert request.url.path == "/scorecards/teams/network"
    assert request.url.params["period"] == "month"
    assert "at" not in request.url.params
    assert request.headers["Authorization"] == "Bearer insights-token"
    assert "75.0%" in result.output  # FCR 3 of 4
    assert ">= 70.0%" in result.output
    assert "90.0%" in result.output  # SLA 9 of 10, missed against 95 %
    assert "missed" in result.output
    assert "30m 00s" in result.output
    assert "pending" in result.output


def test_an_agent_scorecard_as_json_and_an_odd_team_name(requests: list[httpx.Request]) -> None:
    result = CliRunner().invoke(
        app, ["scorecard", "agent", "a-1", "--at", "2025-06-02T10:00:00Z", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert requests[0].url.path == "/scorecards/agents/a-1"
    assert requests[0].url.params["at"] == "2025-06-02T10:00:00Z"
    assert '"handled"' in result.output
    odd = CliRunner().invoke(app, ["scorecard", "team", "../targets/x"])
    assert odd.exit_code == 0, odd.output
    assert requests[1].url.raw_path.startswith(b"/scorecards/teams/..%2Ftargets%2Fx")


def test_a_refused_agent_exits_with_the_token_code(requests: list[httpx.Request]) -> None:
    result = CliRunner().invoke(app, ["scorecard", "agent", "someone-else"])
    assert isinstance(result.exception, CommandFailed)
    assert result.exception.code == ExitCode.UNAUTHORIZED
    assert "INSIGHTS_API_TOKEN" in result.exception.message


def test_an_unknown_period_is_a_usage_error(requests: list[httpx.Request]) -> None:
    result = CliRunner().invoke(app, ["scorecard", "team", "network", "--period", "year"])
    assert result.exit_code == 2
    assert requests == []
