"""Access tokens whose signature, issuer and audience this process has checked, so a client
presenting the same token again costs a lookup, not an EdDSA verification and two JSON decodes.
What changes with time is checked on every use by the caller: expiry, revocation, the key."""

from dataclasses import dataclass, field

from ticketflow_common.identity import AccessClaims

MAX_VERIFIED_TOKENS = 1024
"""Enough for every client of a busy replica; a flood of distinct valid tokens only evicts."""


@dataclass(frozen=True)
class VerifiedToken:
    kid: str
    claims: AccessClaims


@dataclass
class VerifiedTokens:
    """The last `capacity` verified tokens, oldest evicted first. Only verified tokens enter,
    so forged ones cannot crowd out a real client's."""

    capacity: int = MAX_VERIFIED_TOKENS
    _by_token: dict[str, VerifiedToken] = field(default_factory=dict)

    def get(self, token: str) -> VerifiedToken | None:
        return self._by_token.get(token)

    def put(self, token: str, verified: VerifiedToken) -> None:
        if token not in self._by_token and len(self._by_token) >= self.capacity:
            del self._by_token[next(iter(self._by_token))]
        self._by_token[token] = verified

    def forget(self, token: str) -> None:
        self._by_token.pop(token, None)

    def __len__(self) -> int:
        return len(self._by_token)
