"""`ticketflow knowledge`: what it asks knowledge for and what it prints, against a fake one."""

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from ticketflow_cli.app import app
from ticketflow_cli.failures import CommandFailed, ExitCode

ARTICLE_ID = "0b7f6a3c-2d1e-4f5a-8b9c-0d1e2f3a4b5c"
PROBLEM_ID = "9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
SUGGESTION = {
    "suggestion_id": "5f0c1d9e-8a43-4d57-9a77-1a2b3c4d5e6f",
    "items": [
        {"kind": "article", "item_id": ARTICLE_ID, "title": "打印机无法连接网络怎么办",
         "excerpt": "打印机显示离线", "language": "zh", "public": True, "score": 0.4213,
         "matched_terms": ["打印机", "网络"], "why": "matched 打印机, 网络 in the title"},
        {"kind": "known_error", "item_id": PROBLEM_ID, "title": "三楼打印机频繁掉线",
         "excerpt": "关闭省电模式", "language": "zh", "public": True, "score": 0.2,
         "matched_terms": ["打印机"], "why": "matched 打印机 in the title"},
    ],
}  # fmt: skip
ARTICLE = {
    "id": ARTICLE_ID, "status": "published", "title": "Printer is offline", "excerpt": "...",
    "language": "en", "category": "printing", "tags": ["printer"], "visibility": "public",
    "version": 2, "published_version": 2, "updated_at": "2026-11-30T09:00:00Z",
}  # fmt: skip
KNOWN_ERROR = {
    "problem_id": PROBLEM_ID, "title": "VPN disconnects every ten minutes", "status": "resolved",
    "category": "network", "language": "en", "root_cause": "renegotiation",
    "workaround": "Switch the client's protocol from IPsec to SSL under Settings > Connection, "
                  "then reconnect and keep working until the gateway is fixed.",
    "permanent_fix": "firmware 10.2.4", "public": True,
    "known_error_at": "2026-11-29T09:00:00Z", "resolved_at": "2026-11-30T09:00:00Z",
}  # fmt: skip
DEFLECTION = {
    "from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z", "considered_tickets": 40,
    "suggested_tickets": 30, "answered_tickets": 12, "solved_tickets": 9,
    "deflection_rate": 0.3,
    "by_kind": [{"kind": "article", "suggested_tickets": 25, "answered_tickets": 10,
                 "solved_tickets": 8, "deflection_rate": 0.32}],
}  # fmt: skip


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Every request the CLI sends, answered by a fake knowledge."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        routes = {
            ("POST", "/suggestions"): SUGGESTION,
            ("GET", "/articles"): {"items": [ARTICLE], "next_cursor": None},
            ("GET", "/known-errors"): {"items": [KNOWN_ERROR], "next_cursor": None},
            ("GET", "/deflection"): DEFLECTION,
        }
        found = routes.get((request.method, request.url.path))
        if found is None:
            return httpx.Response(404, json={"title": "Not found", "detail": "no such route"})
        return httpx.Response(200, json=found)

    real: Callable[..., httpx.Client] = httpx.Client

    def client(**kwargs: Any) -> httpx.Client:
        return real(transport=httpx.MockTransport(answer), **kwargs)

    monkeypatch.setattr(httpx, "Client", client)  # the CLI's ServiceClient builds one
    return seen


def run(*args: str, token: str = "t") -> Any:  # noqa: S107 - a fake knowledge's token
    env = {"KNOWLEDGE_API_TOKEN": token, "TICKETFLOW_KNOWLEDGE_URL": "http://knowledge.test:8006",
           "TICKETFLOW_API_KEY": "", "COLUMNS": "220"}  # fmt: skip
    return CliRunner().invoke(app, ["knowledge", *args], env=env)


def test_suggest_sends_the_question_in_its_language(requests: list[httpx.Request]) -> None:
    result = run("suggest", "三楼打印机无法连接网络", "--language", "zh", "--kind", "article",
                 "--kind", "known_error", "--limit", "3")  # fmt: skip
    assert result.exit_code == 0, result.output
    sent = requests[0]
    assert (sent.method, sent.url.host, sent.url.path) == ("POST", "knowledge.test", "/suggestions")
    assert sent.headers["authorization"] == "Bearer t"
    assert json.loads(sent.content) == {
        "subject": "三楼打印机无法连接网络", "description": "", "language": "zh",
        "kinds": ["article", "known_error"], "limit": 3,
    }  # fmt: skip
    assert "打印机无法连接网络怎么办" in result.stdout
    assert "0.421" in result.stdout
    assert "matched 打印机, 网络 in the title" in result.stdout
    assert ARTICLE_ID in result.stdout


def test_suggest_as_json_prints_what_knowledge_answered(requests: list[httpx.Request]) -> None:
    result = run("suggest", "VPN keeps dropping", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == SUGGESTION
    assert json.loads(requests[0].content)["language"] == "en"


def test_articles_passes_the_filters(requests: list[httpx.Request]) -> None:
    result = run("articles", "--status", "published", "--language", "en", "--tag", "printer")
    assert result.exit_code == 0, result.output
    assert dict(requests[0].url.params) == {
        "status": "published", "language": "en", "tag": "printer", "limit": "20",
    }  # fmt: skip
    assert "Printer is offline" in result.stdout
    assert ARTICLE_ID in result.stdout


def test_known_errors_shows_the_workaround_cut_to_a_line(requests: list[httpx.Request]) -> None:
    result = run("known-errors", "--category", "network")
    assert result.exit_code == 0, result.output
    assert dict(requests[0].url.params) == {"category": "network", "limit": "20"}
    assert "VPN disconnects every ten minutes" in result.stdout
    assert "Switch the client's protocol" in result.stdout
    assert "until the gateway is fixed" not in result.stdout


def test_deflection_shows_the_rate_and_each_kind(requests: list[httpx.Request]) -> None:
    result = run("deflection", "--from", "2026-11-01T00:00:00Z")
    assert result.exit_code == 0, result.output
    assert dict(requests[0].url.params) == {"from": "2026-11-01T00:00:00Z"}
    assert "30.0%" in result.stdout
    assert "32.0%" in result.stdout
    assert "solved (deflections)" in result.stdout


def test_without_a_token_nothing_is_sent(requests: list[httpx.Request]) -> None:
    result = run("articles", token="")
    assert isinstance(result.exception, CommandFailed)
    assert result.exception.code == ExitCode.CONFIGURATION
    assert "KNOWLEDGE_API_TOKEN" in result.exception.message
    assert requests == []


def test_seed_demo_runs_the_checkouts_seeder_with_the_cli_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[tuple[list[str], Path, dict[str, str]]] = []

    def fake_run(command: list[str], *, cwd: Path, env: dict[str, str], check: bool) -> Any:
        ran.append((command, cwd, env))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    result = run("seed-demo", "--check")
    assert result.exit_code == 0, result.output
    [(command, cwd, env)] = ran
    assert command[1:] == ["-m", "tools.seed_knowledge", "--check"]
    assert (cwd / "tools" / "seed_knowledge.py").is_file()
    assert env["KNOWLEDGE_API_TOKEN"] == "t"
    assert env["TICKETFLOW_KNOWLEDGE_URL"] == "http://knowledge.test:8006"


def test_seed_demo_fails_when_the_seeder_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        subprocess, "run", lambda command, **_: subprocess.CompletedProcess(command, 1)
    )
    result = run("seed-demo")
    assert isinstance(result.exception, CommandFailed)
    assert result.exception.code == ExitCode.REFUSED


@pytest.mark.parametrize(
    "command", ["suggest", "articles", "known-errors", "deflection", "seed-demo"]
)
def test_the_knowledge_commands_have_help(command: str) -> None:
    result = CliRunner().invoke(app, ["knowledge", command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert f"Usage: ticketflow knowledge {command}" in result.output
