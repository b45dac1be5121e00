"""Access tokens refused before they expire: every service projects identity's
`credential.revoked` and `principal.changed` into its `identity_revocations` table, and keeps
an in-process copy refreshed at most every few seconds, so a request never queries for it."""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.envelope import Envelope
from ticketflow_common.event_table import EventTable
from ticketflow_common.events.identity import CredentialRevoked, PrincipalChanged
from ticketflow_common.identity import AccessClaims

HORIZON = timedelta(days=1)
"""Revocations older than this concern no unexpired token (identity's last minutes)."""


async def record_credential_revoked(
    *, conn: asyncpg.Connection, envelope: Envelope, event: CredentialRevoked, now: datetime
) -> None:
    """Tokens obtained with the revoked key are refused from now on."""
    del envelope
    await conn.execute(
        "INSERT INTO identity_revocations (kind, id, at, recorded_at)"
        " VALUES ('credential', $1, $2, $3)"
        " ON CONFLICT (kind, id) DO UPDATE SET at = least(identity_revocations.at, EXCLUDED.at)",
        event.credential_id,
        event.revoked_at,
        now,
    )


async def record_principal_changed(
    *, conn: asyncpg.Connection, envelope: Envelope, event: PrincipalChanged, now: datetime
) -> None:
    """Tokens signed for the principal up to this change are refused (they may carry the
    old role or teams, or a since-disabled principal); the newest change wins."""
    del envelope
    await conn.execute(
        "INSERT INTO identity_revocations (kind, id, at, version, recorded_at)"
        " VALUES ('principal', $1, $2, $3, $4)"
        " ON CONFLICT (kind, id) DO UPDATE SET"
        " at = greatest(identity_revocations.at, EXCLUDED.at),"
        " version = greatest(identity_revocations.version, EXCLUDED.version),"
        " recorded_at = EXCLUDED.recorded_at",
        str(event.principal_id),
        event.changed_at,
        event.version,
        now,
    )


IDENTITY_EVENTS: EventTable = {
    CredentialRevoked: record_credential_revoked,
    PrincipalChanged: record_principal_changed,
}
"""What every service that verifies access tokens does with `identity.events.v1`."""


def with_identity_events(table: EventTable) -> EventTable:
    """A service's event table and the revocation projection."""
    return {**table, **IDENTITY_EVENTS}


@dataclass(frozen=True)
class Revoked:
    """One load of the projection: revoked credentials, and principals' newest changes."""

    credentials: frozenset[str]
    principals_changed: dict[str, datetime]

    def refuses(self, claims: AccessClaims) -> bool:
        """The token's credential was revoked, or its principal changed after it was issued
        (`iat` has milliseconds: a token fetched right after a change is good)."""
        if claims.cid is not None and claims.cid in self.credentials:
            return True
        changed = self.principals_changed.get(claims.sub)
        return changed is not None and changed.timestamp() > claims.iat


NOTHING_REVOKED = Revoked(credentials=frozenset(), principals_changed={})


async def load_revoked(*, conn: asyncpg.Connection, now: datetime) -> Revoked:
    rows = await conn.fetch(
        "SELECT kind, id, at FROM identity_revocations WHERE at > $1", now - HORIZON
    )
    return Revoked(
        credentials=frozenset(r["id"] for r in rows if r["kind"] == "credential"),
        principals_changed={r["id"]: r["at"] for r in rows if r["kind"] == "principal"},
    )


class RevocationCache:
    """The projection in memory, reloaded when a request finds it older than
    `refresh_seconds` by the service's clock; one reload at a time."""

    def __init__(self, *, pool: asyncpg.Pool, clock: Clock, refresh_seconds: float) -> None:
        self.pool = pool
        self.clock = clock
        self.refresh = timedelta(seconds=refresh_seconds)
        self.loads = 0
        self._revoked = NOTHING_REVOKED
        self._loaded_at: datetime | None = None
        self._lock = asyncio.Lock()

    def _stale(self, now: datetime) -> bool:
        loaded_at = self._loaded_at
        return loaded_at is None or not loaded_at <= now < loaded_at + self.refresh

    async def current(self) -> Revoked:
        if not self._stale(self.clock()):
            return self._revoked
        async with self._lock:
            now = self.clock()
            if self._stale(now):
                async with self.pool.acquire() as conn:
                    self._revoked = await load_revoked(conn=conn, now=now)
                self._loaded_at = now
                self.loads += 1
        return self._revoked

    async def refuses(self, claims: AccessClaims) -> bool:
        return (await self.current()).refuses(claims)
