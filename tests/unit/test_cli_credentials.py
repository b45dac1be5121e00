"""The CLI's one credential: the identity API key exchanged for an access token, cached in
memory and in a 0600 file until a minute before it expires, sent to every service."""

import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from ticketflow_cli import credentials
from ticketflow_cli.credentials import (
    AccessToken,
    IdentityCredential,
    TokenFileCache,
    credential_environment,
    exchange,
)
from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_cli.service_client import ServiceClient
from ticketflow_cli.settings import CliSettings

API_KEY = "tfid_0123456789abcdef.the-secret-part-of-the-key"
IDENTITY = "http://identity.test:8008"


class FakeDesk:
    """Identity's token endpoint and a service that accepts only the latest access token."""

    def __init__(self) -> None:
        self.exchanges: list[dict[str, list[str]]] = []
        self.service_calls: list[httpx.Request] = []
        self.lifetime = 600
        self.refuse_key: dict[str, Any] | None = None
        self.accepted: set[str] = set()

    def answer(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "identity.test":
            assert (request.method, request.url.path) == ("POST", "/token")
            assert request.headers["content-type"] == "application/x-www-form-urlencoded"
            self.exchanges.append(parse_qs(request.content.decode()))
            if self.refuse_key is not None:
                return httpx.Response(401, json=self.refuse_key)
            token = f"access-{len(self.exchanges)}"
            self.accepted = {token}
            return httpx.Response(
                200,
                json={"access_token": token, "token_type": "Bearer",
                      "expires_in": self.lifetime, "scope": ""},
            )  # fmt: skip
        self.service_calls.append(request)
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.accepted:
            return httpx.Response(401, json={"title": "Unauthorized", "detail": "token refused"})
        return httpx.Response(200, json={"ok": True})


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDesk]:
    fake = FakeDesk()
    real: Callable[..., httpx.Client] = httpx.Client

    def client(**kwargs: Any) -> httpx.Client:
        return real(transport=httpx.MockTransport(fake.answer), **kwargs)

    monkeypatch.setattr(httpx, "Client", client)
    credentials.forget_tokens_in_memory()
    yield fake
    credentials.forget_tokens_in_memory()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliSettings:
    monkeypatch.setenv("TICKETFLOW_API_KEY", API_KEY)
    monkeypatch.setenv("TICKETFLOW_IDENTITY_URL", f"{IDENTITY}/")
    monkeypatch.setenv("TICKETFLOW_TOKEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TICKETFLOW_SLA_URL", "http://sla.test:8003")
    monkeypatch.setenv("TICKETFLOW_ROUTING_URL", "http://routing.test:8002")
    monkeypatch.setenv("SLA_API_TOKEN", "the-sla-service-token")
    return CliSettings()


def call(settings: CliSettings, service: str = "sla") -> Any:
    with ServiceClient(settings, service) as client:  # type: ignore[arg-type]
        return client.get("/whatever")


def test_the_key_is_exchanged_once_and_its_token_goes_to_every_service(
    desk: FakeDesk, settings: CliSettings
) -> None:
    assert call(settings, "sla") == {"ok": True}
    assert call(settings, "routing") == {"ok": True}
    assert desk.exchanges == [{"grant_type": ["client_credentials"], "client_secret": [API_KEY]}]
    assert [r.url.host for r in desk.service_calls] == ["sla.test", "routing.test"]
    assert {r.headers["authorization"] for r in desk.service_calls} == {"Bearer access-1"}


def test_the_key_wins_over_the_service_token(desk: FakeDesk, settings: CliSettings) -> None:
    call(settings, "sla")
    assert "the-sla-service-token" not in desk.service_calls[0].headers["authorization"]


def test_a_new_process_reads_the_token_from_a_private_file(
    desk: FakeDesk, settings: CliSettings, tmp_path: Path
) -> None:
    call(settings)
    credentials.forget_tokens_in_memory()  # as the next command would start
    call(settings)
    assert len(desk.exchanges) == 1
    [cached] = (tmp_path / "cache").iterdir()
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) == 0o700
    assert API_KEY not in cached.name
    assert "the-secret-part" not in cached.read_text()


def test_no_file_is_written_when_the_cache_folder_is_empty(
    desk: FakeDesk, settings: CliSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKETFLOW_TOKEN_CACHE_DIR", "")
    call(CliSettings())
    credentials.forget_tokens_in_memory()
    call(CliSettings())
    assert len(desk.exchanges) == 2
    assert not (tmp_path / "cache").exists()


def test_a_token_a_minute_from_expiry_is_exchanged_again(tmp_path: Path, desk: FakeDesk) -> None:
    now = [1_000_000.0]
    credential = IdentityCredential(
        identity_url=IDENTITY,
        api_key=API_KEY,
        cache=TokenFileCache(tmp_path),
        clock=lambda: now[0],
    )
    assert credential.bearer() == "access-1"
    now[0] += 600 - 61
    assert credential.bearer() == "access-1"
    now[0] += 2  # 59 s left: too close
    assert credential.bearer() == "access-2"
    assert len(desk.exchanges) == 2


def test_a_refused_cached_token_is_exchanged_once_more(
    desk: FakeDesk, settings: CliSettings
) -> None:
    call(settings)
    desk.accepted = set()  # identity restarted with new signing keys, say
    assert call(settings) == {"ok": True}
    assert len(desk.exchanges) == 2
    assert desk.service_calls[-1].headers["authorization"] == "Bearer access-2"


def test_a_refused_key_names_the_variable_and_what_identity_said(
    desk: FakeDesk, settings: CliSettings
) -> None:
    desk.refuse_key = {"error": "invalid_client", "error_description": "the key was revoked"}
    with pytest.raises(CommandFailed) as failure:
        call(settings)
    assert failure.value.code is ExitCode.UNAUTHORIZED
    assert "TICKETFLOW_API_KEY" in failure.value.message
    assert "invalid_client: the key was revoked" in failure.value.message
    assert "the-secret-part" not in failure.value.message
    assert desk.service_calls == []


def test_an_unreachable_identity_names_its_url_variable(settings: CliSettings) -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(unreachable)) as http,
        pytest.raises(CommandFailed) as failure,
    ):
        exchange(http, identity_url=IDENTITY, api_key=API_KEY, now=0.0)
    assert failure.value.code is ExitCode.UNREACHABLE
    assert "TICKETFLOW_IDENTITY_URL" in failure.value.message
    assert IDENTITY in failure.value.message
    assert "the-secret-part" not in failure.value.message


def test_an_answer_without_a_token_is_a_clear_failure() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(200, json={"token_type": "Bearer"}))
    with httpx.Client(transport=transport) as http, pytest.raises(CommandFailed) as failure:
        exchange(http, identity_url=IDENTITY, api_key=API_KEY, now=0.0)
    assert "expires_in" in failure.value.message


def test_a_key_of_the_wrong_shape_is_refused_before_any_call(
    desk: FakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKETFLOW_API_KEY", "not-an-identity-key")
    with pytest.raises(CommandFailed) as failure:
        call(CliSettings())
    assert failure.value.code is ExitCode.CONFIGURATION
    assert "TICKETFLOW_API_KEY" in failure.value.message
    assert "not-an-identity-key" not in failure.value.message
    assert desk.exchanges == []


def test_without_a_key_the_service_token_is_sent(
    desk: FakeDesk, monkeypatch: pytest.MonkeyPatch, settings: CliSettings
) -> None:
    monkeypatch.setenv("TICKETFLOW_API_KEY", "")
    desk.accepted = {"the-sla-service-token"}
    assert call(CliSettings()) == {"ok": True}
    assert desk.exchanges == []
    assert desk.service_calls[0].headers["authorization"] == "Bearer the-sla-service-token"


def test_a_refused_service_token_names_its_variable(
    desk: FakeDesk, monkeypatch: pytest.MonkeyPatch, settings: CliSettings
) -> None:
    monkeypatch.setenv("TICKETFLOW_API_KEY", "")
    with pytest.raises(CommandFailed) as failure:
        call(CliSettings())
    assert failure.value.code is ExitCode.UNAUTHORIZED
    assert "SLA_API_TOKEN" in failure.value.message
    assert len(desk.service_calls) == 1  # a static token is not tried twice


def test_neither_credential_names_both_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETFLOW_API_KEY", "")
    monkeypatch.setenv("NOTIFY_API_TOKEN", "")
    with pytest.raises(CommandFailed) as failure:
        call(CliSettings(), "notify")
    assert failure.value.code is ExitCode.CONFIGURATION
    assert "TICKETFLOW_API_KEY" in failure.value.message
    assert "NOTIFY_API_TOKEN" in failure.value.message


def test_seeding_scripts_get_the_key_not_the_tokens(settings: CliSettings) -> None:
    env = credential_environment(settings, ("intake", "sla"))
    assert env["TICKETFLOW_API_KEY"] == API_KEY
    assert env["TICKETFLOW_IDENTITY_URL"] == IDENTITY
    assert "SLA_API_TOKEN" not in env


def test_the_key_never_shows_in_settings_or_credentials(settings: CliSettings) -> None:
    assert "the-secret-part" not in repr(settings)
    credential = credentials.identity_credential(settings, API_KEY)
    assert "the-secret-part" not in repr(credential)
    assert AccessToken("t", 100.0).fresh(39.0)
    assert not AccessToken("t", 100.0).fresh(41.0)
