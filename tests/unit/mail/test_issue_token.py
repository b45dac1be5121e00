"""`python -m ticketflow_mail issue-token`: prints a token mail accepts (and knowledge does not),
or says why it cannot."""

from datetime import timedelta

import pytest
from pydantic import SecretStr

from ticketflow_common.access_tokens import Caller, caller_of_token
from ticketflow_common.clock import system_clock
from ticketflow_mail.domain.access import ACCESS_AUDIENCE
from ticketflow_mail.main import arguments, run_issue_token
from ticketflow_mail.settings import MailSettings

SECRET = "m" * 40


def settings(secret: str | None) -> MailSettings:
    return MailSettings(
        database_url="postgresql://localhost/x",
        kafka_bootstrap_servers="localhost:9092",
        api_token="a" * 24,
        access_token_secret=None if secret is None else SecretStr(secret),
    )


def test_issue_token_prints_a_requester_token(capsys: pytest.CaptureFixture[str]) -> None:
    args = arguments().parse_args(
        ["issue-token", "--role", "requester", "--subject", "u-7", "--hours", "2"]
    )
    run_issue_token(settings(SECRET), args)
    token = capsys.readouterr().out.strip()
    now = system_clock()
    read = caller_of_token(token=token, audience=ACCESS_AUDIENCE, secret=SECRET, now=now)
    assert read == Caller(role="requester", subject="u-7")
    other = caller_of_token(token=token, audience="ticketflow-knowledge", secret=SECRET, now=now)
    assert other is None
    later = now + timedelta(hours=2, minutes=1)
    assert caller_of_token(token=token, audience=ACCESS_AUDIENCE, secret=SECRET, now=later) is None


def test_issue_token_without_a_secret_exits_saying_so() -> None:
    args = arguments().parse_args(["issue-token", "--role", "agent", "--subject", "a-1"])
    with pytest.raises(SystemExit, match="MAIL_ACCESS_TOKEN_SECRET"):
        run_issue_token(settings(None), args)


def test_issue_token_refuses_an_admin_role() -> None:
    with pytest.raises(SystemExit):
        arguments().parse_args(["issue-token", "--role", "admin", "--subject", "x"])


def test_a_short_access_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="access_token_secret"):
        settings("short-but-not-32-bytes-long")
