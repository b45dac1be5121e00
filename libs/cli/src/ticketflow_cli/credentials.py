"""One credential for every service: the identity API key in `TICKETFLOW_API_KEY`, exchanged at
identity's `POST /token` for a short-lived access token every service verifies.

The access token is kept in memory for the process and, unless `TICKETFLOW_TOKEN_CACHE_DIR` is
empty, in a 0600 file named by a hash of the key and identity's URL, until a minute before it
expires, so a run of commands asks identity once every few minutes, not once per command.
Without a key, each service's own `<SERVICE>_API_TOKEN` is sent (a service run on its own).
"""

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_cli.settings import CliSettings, Service, token_variable

API_KEY_VARIABLE = "TICKETFLOW_API_KEY"
KEY_PREFIX = "tfid_"
IDENTITY_URL_VARIABLE = "TICKETFLOW_IDENTITY_URL"
REFRESH_MARGIN_SECONDS = 60.0
"""A token this close to its expiry is not used: a command may take a while."""

Clock = Callable[[], float]


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_at: float
    """Unix time."""

    def fresh(self, now: float) -> bool:
        return now < self.expires_at - REFRESH_MARGIN_SECONDS


def cache_key(identity_url: str, api_key: str) -> str:
    """Names a cached token without revealing the key it came from."""
    return hashlib.sha256(f"{identity_url}\0{api_key}".encode()).hexdigest()[:32]


def identity_answer(response: httpx.Response) -> str:
    """What identity said, as RFC 6749 §5.2 (`error`, `error_description`) or RFC 9457 puts it."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if not isinstance(body, dict):
        return str(body)[:300]
    if "error" in body:
        description = body.get("error_description")
        return f"{body['error']}: {description}" if description else str(body["error"])
    return str(body.get("detail") or body.get("title") or response.reason_phrase)[:300]


def exchange(http: httpx.Client, *, identity_url: str, api_key: str, now: float) -> AccessToken:
    """POST the key to identity's token endpoint (client_credentials); its access token."""
    url = f"{identity_url}/token"
    try:
        response = http.post(
            url, data={"grant_type": "client_credentials", "client_secret": api_key}
        )
    except httpx.TransportError as exc:
        raise CommandFailed(
            f"identity is not reachable at {identity_url} to exchange {API_KEY_VARIABLE} "
            f"({type(exc).__name__}); is it running? (set {IDENTITY_URL_VARIABLE} to point "
            "elsewhere)",
            code=ExitCode.UNREACHABLE,
        ) from exc
    if response.status_code in (400, 401, 403):
        raise CommandFailed(
            f"identity refused the key in {API_KEY_VARIABLE} ({response.status_code}: "
            f"{identity_answer(response)})",
            code=ExitCode.UNAUTHORIZED,
        )
    if not response.is_success:
        raise CommandFailed(
            f"identity answered {response.status_code} to {url}: {identity_answer(response)}",
            code=ExitCode.REFUSED,
        )
    try:
        body = response.json()
        token, lifetime = body["access_token"], float(body["expires_in"])
    except (ValueError, KeyError, TypeError) as exc:
        raise CommandFailed(
            f"identity at {url} answered without an access token and its expires_in",
            code=ExitCode.REFUSED,
        ) from exc
    if not isinstance(token, str) or not token:
        raise CommandFailed(f"identity at {url} answered an empty access token")
    return AccessToken(value=token, expires_at=now + lifetime)


class TokenFileCache:
    """Access tokens in 0600 files under a 0700 folder, one per key (by hash)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / f"token-{key}.json"

    def load(self, key: str) -> AccessToken | None:
        try:
            raw = json.loads(self.path(key).read_text(encoding="utf-8"))
            return AccessToken(value=str(raw["access_token"]), expires_at=float(raw["expires_at"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # none yet, or unreadable: ask identity again

    def store(self, key: str, token: AccessToken) -> None:
        """Best effort: a folder that cannot be written only costs an exchange per command."""
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            partial = self.path(key).with_suffix(".tmp")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                json.dump({"access_token": token.value, "expires_at": token.expires_at}, file)
            partial.replace(self.path(key))
        except OSError:
            return

    def forget(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


_IN_MEMORY: dict[str, AccessToken] = {}
"""This process's tokens, by `cache_key`."""


class IdentityCredential:
    """The bearer for every service from one API key: cached, else exchanged at identity."""

    def __init__(
        self,
        *,
        identity_url: str,
        api_key: str,
        cache: TokenFileCache | None,
        timeout: float = 10.0,
        clock: Clock = time.time,
    ) -> None:
        self.identity_url = identity_url.rstrip("/")
        self._api_key = api_key
        self._key = cache_key(self.identity_url, api_key)
        self._cache = cache
        self._timeout = timeout
        self._clock = clock

    def __repr__(self) -> str:
        return f"IdentityCredential(identity_url={self.identity_url!r})"

    def bearer(self) -> str:
        now = self._clock()
        held = _IN_MEMORY.get(self._key)
        if held is None and self._cache is not None:
            held = self._cache.load(self._key)
        if held is not None and held.fresh(now):
            _IN_MEMORY[self._key] = held
            return held.value
        with httpx.Client(timeout=self._timeout, headers={"User-Agent": "ticketflow-cli"}) as http:
            token = exchange(http, identity_url=self.identity_url, api_key=self._api_key, now=now)
        _IN_MEMORY[self._key] = token
        if self._cache is not None:
            self._cache.store(self._key, token)
        return token.value

    def forget(self) -> None:
        """Drop the cached token (a service refused it): the next `bearer()` exchanges again."""
        _IN_MEMORY.pop(self._key, None)
        if self._cache is not None:
            self._cache.forget(self._key)


def forget_tokens_in_memory() -> None:
    """For tests: start as a fresh process would."""
    _IN_MEMORY.clear()


@dataclass(frozen=True)
class Bearer:
    """What a command sends to one service, and the variable to name when it is refused."""

    variable: str
    value: Callable[[], str]
    forget: Callable[[], None] | None = None
    """Set when a refused token may be stale (an exchanged one): drop it and exchange again."""


def identity_credential(settings: CliSettings, api_key: str) -> IdentityCredential:
    if not api_key.startswith(KEY_PREFIX) or "." not in api_key:
        raise CommandFailed(
            f"{API_KEY_VARIABLE} is not an identity API key (tfid_<key id>.<secret>, what "
            "`python -m ticketflow_identity bootstrap-admin` or POST /principals/{id}/keys "
            "prints)",
            code=ExitCode.CONFIGURATION,
        )
    folder = settings.token_cache_dir
    return IdentityCredential(
        identity_url=settings.identity_url,
        api_key=api_key,
        cache=TokenFileCache(Path(folder).expanduser()) if folder else None,
        timeout=settings.http_timeout_seconds,
    )


def bearer_for(settings: CliSettings, service: Service) -> Bearer:
    """The identity access token when `TICKETFLOW_API_KEY` is set, else the service's token."""
    api_key = settings.identity_key()
    if api_key is not None:
        credential = identity_credential(settings, api_key)
        return Bearer(API_KEY_VARIABLE, credential.bearer, credential.forget)
    token = settings.token(service)
    if token is None:
        raise CommandFailed(
            f"neither {API_KEY_VARIABLE} nor {token_variable(service)} is set: export one, or "
            "run from the checkout where `make run` wrote .local/api-tokens.env",
            code=ExitCode.CONFIGURATION,
        )
    return Bearer(token_variable(service), lambda: token)


def credential_environment(settings: CliSettings, services: tuple[Service, ...]) -> dict[str, str]:
    """The variables a seeding script needs to act on `services` with the CLI's credential: the
    API key (and identity's URL) when set, else every service's token (each one required)."""
    api_key = settings.identity_key()
    if api_key is not None:
        identity_credential(settings, api_key)  # its shape is checked here, not in the script
        return {
            API_KEY_VARIABLE: api_key,
            IDENTITY_URL_VARIABLE: settings.identity_url,
            "TICKETFLOW_TOKEN_CACHE_DIR": settings.token_cache_dir,
        }
    env: dict[str, str] = {}
    for service in services:
        token = settings.token(service)
        if token is None:
            raise CommandFailed(
                f"neither {API_KEY_VARIABLE} nor {token_variable(service)} is set",
                code=ExitCode.CONFIGURATION,
            )
        env[token_variable(service)] = token
    return env
