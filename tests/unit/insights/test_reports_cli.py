"""`ticketflow reports`: what it asks insights for and what it prints, against a fake insights."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from ticketflow_cli.app import app
from ticketflow_cli.failures import CommandFailed, ExitCode

REPORT_ID = "5f0c1d9e-8a43-4d57-9a77-1a2b3c4d5e6f"
SUMMARY = {
    "report_id": REPORT_ID,
    "kind": "weekly",
    "team": "cn-support",
    "period_start": "2025-06-09T00:00:00Z",
    "period_end": "2025-06-16T00:00:00Z",
    "title": "Weekly report: 网络支持组, 2025-06-09 to 2025-06-15",
    "published_at": "2025-06-18T09:00:00Z",
    "links": {},
}
DOCUMENT = {
    "title": SUMMARY["title"],
    "figures": [
        {"label": "CSAT rated 4-5", "unit": "share", "value": 0.92, "target": 0.9,
         "previous": 0.85, "met": True},
        {"label": "Cycle time (resolution), median", "unit": "seconds", "value": 50 * 3600.0,
         "target": 57.6 * 3600, "previous": None, "met": True},
    ],
    "cycle_time": {
        "baseline_seconds": 72 * 3600.0,
        "target_seconds": 57.6 * 3600,
        "weeks": [{"week_start": "2025-06-09T00:00:00Z", "resolution_p50_seconds": 180000.0}],
    },
}  # fmt: skip


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Every request the CLI sends, answered by a fake insights."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path == "/reports":
            return httpx.Response(200, json={"items": [SUMMARY], "next_cursor": None})
        if path == f"/reports/{REPORT_ID}.csv":
            return httpx.Response(200, text="name,value\r\nhandled,2.0\r\n")
        if path == f"/reports/{REPORT_ID}":
            return httpx.Response(200, json=DOCUMENT)
        return httpx.Response(404, json={"title": "Not found", "detail": "report not found"})

    real: Callable[..., httpx.Client] = httpx.Client

    def client(**kwargs: Any) -> httpx.Client:
        return real(transport=httpx.MockTransport(answer), **kwargs)

    monkeypatch.setattr(httpx, "Client", client)  # the CLI's ServiceClient builds one
    return seen


def run(*args: str) -> Any:
    env = {"INSIGHTS_API_TOKEN": "t", "TICKETFLOW_INSIGHTS_URL": "http://insights.test:8005",
           "COLUMNS": "200"}  # fmt: skip
    return CliRunner().invoke(app, ["reports", *args], env=env)


def test_the_list_asks_for_the_kind_and_team(requests: list[httpx.Request]) -> None:
    result = run("--kind", "weekly", "--team", "cn-support", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [SUMMARY]
    sent = requests[0]
    assert sent.url.host == "insights.test"
    assert dict(sent.url.params) == {"kind": "weekly", "team": "cn-support", "limit": "50"}
    assert sent.headers["authorization"] == "Bearer t"


def test_the_list_as_a_table_shows_chinese_titles(requests: list[httpx.Request]) -> None:
    result = run()
    assert result.exit_code == 0, result.output
    assert "网络支持组" in result.stdout
    assert REPORT_ID in result.stdout


def test_show_prints_figures_and_the_trend(requests: list[httpx.Request]) -> None:
    result = run("show", REPORT_ID)
    assert result.exit_code == 0, result.output
    assert "92.0%" in result.stdout
    assert "50.0 h" in result.stdout
    assert "baseline 72 h" in result.stdout


def test_show_writes_the_csv(requests: list[httpx.Request], tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    result = run("show", REPORT_ID, "--format", "csv", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == b"name,value\r\nhandled,2.0\r\n"


def test_an_unknown_report_exits_not_found(requests: list[httpx.Request]) -> None:
    result = run("show", "00000000-0000-0000-0000-000000000000")
    assert isinstance(result.exception, CommandFailed)
    assert result.exception.code == ExitCode.NOT_FOUND


@pytest.mark.parametrize("command", [("reports",), ("reports", "show")])
def test_the_report_commands_have_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "Usage: ticketflow reports" in result.output


def test_an_unknown_format_is_refused_before_any_request(requests: list[httpx.Request]) -> None:
    result = run("show", REPORT_ID, "--format", "pdf")
    assert isinstance(result.exception, CommandFailed)
    assert result.exception.code == ExitCode.CONFIGURATION
    assert requests == []
