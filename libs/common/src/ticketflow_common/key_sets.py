"""Where a service finds the public keys identity signs access tokens with: identity's
published key set, fetched and cached, or one given inline. Injectable (`Access.key_set`), so
identity serves its own keys from its database and tests bring one of their own."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import jwt

from ticketflow_common.http_documents import FetchFailed, fetch_document
from ticketflow_common.settings import parse_key_set

log = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 3.0
MIN_REFETCH_SECONDS = 5.0
"""An unknown `kid` refetches the set at most this often: a flood of forged kids is one fetch."""
MAX_KEY_SET_BYTES = 256 * 1024

Fetch = Callable[[str], Awaitable[bytes]]
"""GET a URL: the body of a 2xx answer, else `FetchFailed` (injectable for tests)."""


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
        fetch: Fetch | None = None,
    ) -> None:
        self.url = url
        self.min_refetch_seconds = min_refetch_seconds
        self.timeout_seconds = timeout_seconds
        self.monotonic = monotonic
        self.fetch: Fetch = fetch or self._get
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

    async def _get(self, url: str) -> bytes:
        return await fetch_document(
            url, timeout_seconds=self.timeout_seconds, max_bytes=MAX_KEY_SET_BYTES
        )

    async def _refresh(self) -> None:
        self._fetched_at = self.monotonic()
        self.fetches += 1
        try:
            self._cached = parse_key_set((await self.fetch(self.url)).decode(), field=self.url)
        except (FetchFailed, ValueError) as error:
            # The keys cached before stay in use: identity briefly away refuses no valid token.
            log.warning(
                "identity key set fetch failed", extra={"url": self.url, "error": str(error)}
            )
