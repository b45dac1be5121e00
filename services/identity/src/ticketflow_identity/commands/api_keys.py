"""API keys: issue (the token shown once), list, revoke, rotate with an overlap, end the
expired and the rotated ones, and the report of keys nobody used for N days; each change
audited as the key is listed (its token never enters the log)."""

from datetime import datetime, timedelta
from typing import Final
from uuid import UUID

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.events.identity import (
    CredentialIssued,
    CredentialRevoked,
    RevocationReason,
)
from ticketflow_common.outbox import emit
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import ProblemError, invalid_field, not_found
from ticketflow_identity.commands.audit import audit
from ticketflow_identity.domain import keys as rules
from ticketflow_identity.domain.api_keys import generate_key, hash_secret
from ticketflow_identity.domain.keys import ApiKeyView, IssuedKey, KeyRotation, NewApiKey
from ticketflow_identity.settings import IdentitySettings
from ticketflow_identity.store import api_keys as store
from ticketflow_identity.store import principals as principal_store

END_BATCH = 200
ENTITY: Final = "identity.api_key"
ENDED_ACTIONS: dict[RevocationReason, str] = {
    "revoked": "revoked",
    "expired": "expired",
    "rotated": "rotation_ended",
    "principal_disabled": "revoked",
}
"""The audit action of each way a key ends."""


def view_of(row: asyncpg.Record, *, now: datetime) -> ApiKeyView:
    state = rules.state_of(
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        replaced_by=row["replaced_by"],
        now=now,
    )
    return ApiKeyView(**dict(row), state=state)


async def issue_key(
    *,
    conn: asyncpg.Connection,
    principal_id: UUID,
    new: NewApiKey,
    settings: IdentitySettings,
    actor: AuditActor,
    now: datetime,
) -> IssuedKey:
    if new.expires_in_days is not None and new.expires_in_days > settings.key_max_days:
        raise invalid_field("expires_in_days", f"must be at most {settings.key_max_days}")
    expires_at = None if new.expires_in_days is None else now + timedelta(days=new.expires_in_days)
    scopes = None if new.scopes is None else list(dict.fromkeys(new.scopes))
    async with conn.transaction():
        principal = await principal_store.get_principal(
            conn=conn, principal_id=principal_id, for_update=True
        )
        if principal is None:
            raise not_found(f"principal {principal_id} not found")
        if principal["disabled_at"] is not None:
            raise ProblemError(409, f"principal {principal_id} is disabled")
        return await _insert(
            conn=conn,
            principal_id=principal_id,
            name=new.name,
            scopes=scopes,
            expires_at=expires_at,
            replaces=None,
            actor=actor,
            now=now,
        )


async def _insert(
    *,
    conn: asyncpg.Connection,
    principal_id: UUID,
    name: str,
    scopes: list[str] | None,
    expires_at: datetime | None,
    replaces: str | None,
    actor: AuditActor,
    now: datetime,
) -> IssuedKey:
    made = generate_key()
    row = await store.insert_key(
        conn=conn,
        key_id=made.key_id,
        principal_id=principal_id,
        name=name,
        secret_hash=hash_secret(made.secret),
        scopes=scopes,
        expires_at=expires_at,
        now=now,
    )
    await emit(
        conn,
        CredentialIssued(
            credential_id=made.key_id,
            principal_id=principal_id,
            name=name,
            scopes=scopes,
            expires_at=expires_at,
            replaces=replaces,
            issued_at=now,
        ),
        subject=str(principal_id),
        now=now,
    )
    view = view_of(row, now=now)
    await audit(
        conn=conn,
        actor=actor,
        entity=ENTITY,
        entity_id=made.key_id,
        action="issued",
        before=None,
        after=view,
        now=now,
    )
    return IssuedKey(**view.model_dump(), token=made.token)


async def list_keys(
    *, conn: asyncpg.Connection, principal_id: UUID, now: datetime
) -> list[ApiKeyView]:
    if await principal_store.get_principal(conn=conn, principal_id=principal_id) is None:
        raise not_found(f"principal {principal_id} not found")
    return [view_of(r, now=now) for r in await store.keys_of(conn=conn, principal_id=principal_id)]


async def revoke_key(
    *, conn: asyncpg.Connection, key_id: str, actor: AuditActor, now: datetime
) -> ApiKeyView:
    """Revoked now (again: unchanged); every service refuses its tokens from the event on."""
    async with conn.transaction():
        row = await store.get_key(conn=conn, key_id=key_id, for_update=True)
        if row is None:
            raise not_found(f"key {key_id} not found")
        if row["revoked_at"] is not None:
            return view_of(row, now=now)
        return await _revoke(conn=conn, row=row, reason="revoked", actor=actor, now=now)


async def _revoke(
    *,
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    reason: RevocationReason,
    actor: AuditActor,
    now: datetime,
) -> ApiKeyView:
    revoked = await store.revoke_key(conn=conn, key_id=row["key_id"], now=now)
    view = view_of(revoked, now=now)
    await audit(
        conn=conn,
        actor=actor,
        entity=ENTITY,
        entity_id=row["key_id"],
        action=ENDED_ACTIONS[reason],
        before=view_of(row, now=now),
        after=view,
        now=now,
    )
    await emit(
        conn,
        CredentialRevoked(
            credential_id=row["key_id"],
            principal_id=row["principal_id"],
            reason=reason,
            revoked_at=now,
        ),
        subject=str(row["principal_id"]),
        now=now,
    )
    return view


async def rotate_key(
    *,
    conn: asyncpg.Connection,
    key_id: str,
    rotation: KeyRotation,
    settings: IdentitySettings,
    actor: AuditActor,
    now: datetime,
) -> IssuedKey:
    """A successor (same name, scopes, lifetime); the old key works `overlap_hours` more."""
    if rotation.overlap_hours > settings.rotation_max_overlap_hours:
        raise invalid_field(
            "overlap_hours", f"must be at most {settings.rotation_max_overlap_hours}"
        )
    async with conn.transaction():
        row = await store.get_key(conn=conn, key_id=key_id, for_update=True)
        if row is None:
            raise not_found(f"key {key_id} not found")
        state = view_of(row, now=now).state
        if state != "active":
            detail = f"already replaced by {row['replaced_by']}" if state == "rotating" else state
            raise ProblemError(409, f"key {key_id} cannot be rotated: it is {detail}")
        principal = await principal_store.get_principal(conn=conn, principal_id=row["principal_id"])
        if principal is None or principal["disabled_at"] is not None:
            raise ProblemError(409, f"principal {row['principal_id']} is disabled")
        successor = await _insert(
            conn=conn,
            principal_id=row["principal_id"],
            name=row["name"],
            scopes=row["scopes"],
            expires_at=rules.successor_expiry(
                created_at=row["created_at"], expires_at=row["expires_at"], now=now
            ),
            replaces=key_id,
            actor=actor,
            now=now,
        )
        ends_at = rules.overlap_end(
            expires_at=row["expires_at"], now=now, overlap=timedelta(hours=rotation.overlap_hours)
        )
        await store.mark_replaced(
            conn=conn, key_id=key_id, replaced_by=successor.key_id, ends_at=ends_at
        )
        replaced = await store.get_key(conn=conn, key_id=key_id)
        assert replaced is not None
        await audit(
            conn=conn,
            actor=actor,
            entity=ENTITY,
            entity_id=key_id,
            action="rotated",
            before=view_of(row, now=now),
            after=view_of(replaced, now=now),
            now=now,
        )
        if ends_at <= now:
            await _revoke(conn=conn, row=replaced, reason="rotated", actor=actor, now=now)
    return successor


async def end_keys(*, conn: asyncpg.Connection, actor: AuditActor, now: datetime) -> int:
    """Revoke the keys past their expiry (`expired`) or their rotation's overlap (`rotated`)."""
    async with conn.transaction():
        rows = await store.keys_ended(conn=conn, now=now, limit=END_BATCH)
        for row in rows:
            reason = rules.ends_reason(row["replaced_by"])
            await _revoke(conn=conn, row=row, reason=reason, actor=actor, now=now)
    return len(rows)


async def unused_keys(
    *, conn: asyncpg.Connection, days: int, cursor: str | None, limit: int, now: datetime
) -> Page[ApiKeyView]:
    """Longest unused first; the cursor holds the last key's (last use or creation, key_id)."""
    kind = f"identity.unused_keys.{days}"
    after = read_cursor(
        cursor,
        kind=kind,
        parse=lambda p: (datetime.fromisoformat(str(p["at"])), str(p["key_id"])),
    )
    since = rules.unused_since(now=now, days=days)
    rows = await store.unused_keys(conn=conn, since=since, limit=limit + 1, after=after)
    return page_of(
        [view_of(r, now=now) for r in rows],
        limit=limit,
        cursor=lambda k: encode_cursor(
            kind, {"at": (k.last_used_at or k.created_at).isoformat(), "key_id": k.key_id}
        ),
    )
