"""Calls to one service's HTTP API, its failures turned into clear `CommandFailed` errors."""

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

import httpx

from ticketflow_cli.credentials import Bearer, bearer_for
from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_cli.settings import CliSettings, Service, token_variable, url_variable

QueryValue = str | int | float | bool | Sequence[str] | None


def problem_text(response: httpx.Response) -> str:
    """What went wrong, from an RFC 9457 problem document (or whatever the body says)."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if not isinstance(body, dict):
        return str(body)[:300]
    detail = body.get("detail") or body.get("title") or response.reason_phrase
    if isinstance(detail, list):  # FastAPI's own validation shape
        detail = "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    errors = body.get("errors") or []
    fields = [
        f"{e.get('field')}: {e.get('reason')}"
        for e in errors
        if isinstance(e, dict) and f"{e.get('field')}: {e.get('reason')}" != detail
    ]
    return "; ".join([str(detail), *fields])


def failure_of(
    service: Service, response: httpx.Response, *, variable: str | None = None
) -> CommandFailed:
    status = response.status_code
    text = problem_text(response)
    if status in (401, 403):
        where = variable or token_variable(service)
        what = "the access token of the key" if where.endswith("_API_KEY") else "the token"
        return CommandFailed(
            f"{service} refused {what} in {where} ({status}: {text})",
            code=ExitCode.UNAUTHORIZED,
        )
    if status == 404:
        return CommandFailed(f"{service}: not found ({text})", code=ExitCode.NOT_FOUND)
    return CommandFailed(f"{service} answered {status}: {text}", code=ExitCode.REFUSED)


MAX_PAGE = 200
"""The most items a list answers per page."""


class ServiceClient:
    """A short-lived client of one service: `with ServiceClient(settings, "intake") as c: ...`."""

    def __init__(self, settings: CliSettings, service: Service) -> None:
        self._bearer: Bearer = bearer_for(settings, service)
        self.service = service
        self.base_url = settings.url(service)
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"User-Agent": "ticketflow-cli"},
            timeout=settings.http_timeout_seconds,
        )

    def __enter__(self) -> "ServiceClient":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send and return a 2xx response; raise `CommandFailed` for anything else."""
        query = {k: v for k, v in (params or {}).items() if v is not None and v != []}
        response = self._send(method, path, params=query, json=json, headers=headers)
        if response.status_code == 401 and self._bearer.forget is not None:
            # A cached access token identity no longer stands behind (its signing key rotated
            # away, the key was revoked): exchange the key once more and try again.
            self._bearer.forget()
            response = self._send(method, path, params=query, json=json, headers=headers)
        if response.is_success:
            return response
        raise failure_of(self.service, response, variable=self._bearer.variable)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, QueryValue],
        json: Any,
        headers: Mapping[str, str] | None,
    ) -> httpx.Response:
        sent = {**(headers or {}), "Authorization": f"Bearer {self._bearer.value()}"}
        try:
            return self._http.request(method, path, params=params, json=json, headers=sent)
        except httpx.TimeoutException as exc:
            raise self._unreachable(f"no answer in time ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise self._unreachable(f"{type(exc).__name__}: {exc}") from exc

    def get(self, path: str, *, params: Mapping[str, QueryValue] | None = None) -> Any:
        return self.request("GET", path, params=params).json()

    def get_all(
        self, path: str, *, params: Mapping[str, QueryValue] | None = None, most: int = 10_000
    ) -> list[Any]:
        """Every item of a paged list (`{items, next_cursor}`), following cursors, at most
        `most` of them."""
        items: list[Any] = []
        cursor: str | None = None
        while len(items) < most:
            size = min(MAX_PAGE, most - len(items))
            page = self.get(path, params={**(params or {}), "cursor": cursor, "limit": size})
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        return items[:most]

    def post(self, path: str, *, json: Any, headers: Mapping[str, str] | None = None) -> Any:
        return self.request("POST", path, json=json, headers=headers).json()

    def put(self, path: str, *, json: Any) -> Any:
        return self.request("PUT", path, json=json).json()

    def _unreachable(self, why: str) -> CommandFailed:
        return CommandFailed(
            f"{self.service} is not reachable at {self.base_url} ({why}); is it running? "
            f"(set {url_variable(self.service)} to point elsewhere)",
            code=ExitCode.UNREACHABLE,
        )
