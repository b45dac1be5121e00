"""Small JSON documents every service fetches now and then (identity's key set, an OpenID
Connect provider's discovery document and keys): the standard library's client in a worker
thread, so no HTTP client library is loaded by every process for a fetch made once in minutes."""

import asyncio
import http.client
import urllib.error
import urllib.request
from typing import Any, NoReturn

MAX_DOCUMENT_BYTES = 256 * 1024
"""A key set or discovery document is a few KiB; anything far larger is refused unread."""


class FetchFailed(Exception):
    """The document could not be had: unreachable, not a 2xx, a redirect, or too large."""


class _RedirectRefused(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to refuse, not to follow: the URL configured is the one trusted."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_RedirectRefused)


def _failed(url: str, why: object) -> NoReturn:
    raise FetchFailed(f"GET {url}: {why}")


def _get(url: str, timeout_seconds: float, max_bytes: int) -> bytes:
    if not url.startswith(("https://", "http://")):
        _failed(url, "not an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (checked)
    try:
        with _OPENER.open(request, timeout=timeout_seconds) as response:
            body: bytes = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        _failed(url, f"status {error.code}")
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        _failed(url, getattr(error, "reason", error))
    if len(body) > max_bytes:
        _failed(url, f"larger than {max_bytes} bytes")
    return body


async def fetch_document(
    url: str, *, timeout_seconds: float, max_bytes: int = MAX_DOCUMENT_BYTES
) -> bytes:
    """The body of a 2xx answer to GET `url`; `FetchFailed` for anything else. The timeout
    bounds the connection and each read."""
    return await asyncio.to_thread(_get, url, timeout_seconds, max_bytes)
