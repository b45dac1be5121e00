"""Where a service finds the public keys identity signs access tokens with: identity's
published key set, fetched and cached, or one given inline. Injectable (`Access.key_set`), so
identity serves its own keys from its database and tests bring one of their own."""

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import jwt

from ticketflow_common.settings import parse_key_set

if TYPE_CHECKING:  # httpx is imported on the first fetch: inline keys never load it
    import httpx

log = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 3.0
CONNECT_TIMEOUT_SECONDS = 2.0
MIN_REFETCH_SECONDS = 5.0
"""An unknown `kid` refetches the set at most this often: a flood of forged kids is one fetch."""
MAX_KEY_SET_BYTES = 256 * 1024


class KeySetSource(Protocol):
    """The key set to verify a token signed with `kid` against (None: no keys to be had)."""

    async def key_set(self, *, kid: str) -> jwt.PyJWKSet | None: ...


def has_kid(key_set: jwt.PyJWKSet | None, kid: str) -> bool:
    return key_set is not None and any(k.key_id == kid for k in key_set.keys)


class InlineKeySet:
    """A fixed key set (`<SVC>_IDENTITY_JWKS`: tests, air-gapped installs)."""

    def __init__(self, key_set: jwt.PyJWKSet) -> None:
        self._key_set = key_set

    @classmethod
    def from_json(cls, value: str) -> "InlineKeySet":
        return cls(parse_key_set(value, field="identity_jwks"))

    async def key_set(self, *, kid: str) -> jwt.PyJWKSet | None:
        del kid
        return self._key_set


class RemoteKeySet:
    """Identity's published key set over HTTP, cached; fetched again when a token names a kid
    it lacks (a rotation), at most every `min_refetch_seconds`, one fetch at a time."""

    def __init__(
        self,
        *,
        url: str,
        min_refetch_seconds: float = MIN_REFETCH_SECONDS,
        timeout_seconds: float = FETCH_TIMEOUT_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        transport: "httpx.AsyncBaseTransport | None" = None,
    ) -> None:
        self.url = url
        self.min_refetch_seconds = min_refetch_seconds
        self.timeout_seconds = timeout_seconds
        self.monotonic = monotonic
        self.transport = transport
        self.fetches = 0
        self._cached: jwt.PyJWKSet | None = None
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key_set(self, *, kid: str) -> jwt.PyJWKSet | None:
        if has_kid(self._cached, kid) or not self._may_fetch():
            return self._cached
        async with self._lock:
            # Whoever waited on the lock finds the fetch the holder made.
            if not has_kid(self._cached, kid) and self._may_fetch():
                await self._refresh()
        return self._cached

    def _may_fetch(self) -> bool:
        fetched_at = self._fetched_at
        return fetched_at is None or self.monotonic() - fetched_at >= self.min_refetch_seconds

    async def _refresh(self) -> None:
        import httpx

        self._fetched_at = self.monotonic()
        self.fetches += 1
        try:
            async with httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout_seconds, connect=CONNECT_TIMEOUT_SECONDS),
                transport=self.transport, follow_redirects=False
            ) as http:
                response = await http.get(self.url, headers={"Accept": "application/json"})
            response.raise_for_status()
            if len(response.content) > MAX_KEY_SET_BYTES:
                raise ValueError(f"the key set is larger than {MAX_KEY_SET_BYTES} bytes")
            self._cached = parse_key_set(response.text, field=self.url)
        except (httpx.HTTPError, ValueError) as error:
            # The keys cached before stay in use: identity briefly away refuses no valid token.
            log.warning(
                "identity key set fetch failed", extra={"url": self.url, "error": str(error)}
            )
