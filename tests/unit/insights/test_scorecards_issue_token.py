"""`python -m ticketflow_insights issue-token`: prints a token the service accepts, or says why
it cannot."""

import uuid
from datetime import timedelta

import pytest
from pydantic import SecretStr

from ticketflow_common.clock import system_clock
from ticketflow_insights.domain.access import viewer_token_subject
from ticketflow_insights.main import arguments, run_issue_token
from ticketflow_insights.settings import InsightsSettings

SECRET = "v" * 40


def settings(secret: str | None) -> InsightsSettings:
    return InsightsSettings(
        database_url="postgresql://localhost/x",
        kafka_bootstrap_servers="localhost:9092",
        api_token="a" * 24,
        viewer_token_secret=None if secret is None else SecretStr(secret),
    )


def test_issue_token_prints_a_token_for_the_agent(capsys: pytest.CaptureFixture[str]) -> None:
    agent = uuid.uuid4()
    args = arguments().parse_args(["issue-token", "--agent", str(agent), "--hours", "2"])
    run_issue_token(settings(SECRET), args)
    token = capsys.readouterr().out.strip()
    now = system_clock()
    assert viewer_token_subject(token=token, secret=SECRET, now=now) == agent
    later = now + timedelta(hours=2, minutes=1)
    assert viewer_token_subject(token=token, secret=SECRET, now=later) is None


def test_issue_token_without_a_secret_exits_saying_so() -> None:
    args = arguments().parse_args(["issue-token", "--agent", str(uuid.uuid4())])
    with pytest.raises(SystemExit, match="INSIGHTS_VIEWER_TOKEN_SECRET"):
        run_issue_token(settings(None), args)


def test_issue_token_wants_an_agent_id() -> None:
    with pytest.raises(SystemExit):
        arguments().parse_args(["issue-token", "--agent", "not-a-uuid"])
