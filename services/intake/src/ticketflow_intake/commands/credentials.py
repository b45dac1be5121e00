"""API keys: issuing one (shown once), listing them, revoking one, and the first admin's."""

from datetime import datetime

import asyncpg

from ticketflow_common.audit import SYSTEM_ACTOR
from ticketflow_common.clock import system_clock
from ticketflow_common.events.audit import AuditActor
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import not_found
from ticketflow_intake.commands.audit import audit
from ticketflow_intake.domain.access import CredentialView, IssuedCredential, Role, generate_key
from ticketflow_intake.store import credentials

CREDENTIAL = "intake.credential"


async def issue_credential(
    *,
    conn: asyncpg.Connection,
    name: str,
    role: Role,
    subject: str,
    actor: AuditActor,
    now: datetime,
) -> IssuedCredential:
    """A new key for `subject` with `role`; only its hash is stored, the token is returned
    (the audit log records the key as listed, never its token)."""
    key = generate_key()
    async with conn.transaction():
        view = await credentials.insert_credential(
            conn=conn, key_id=key.key_id, secret=key.secret, name=name, role=role, subject=subject
        )
        await audit(
            conn=conn,
            actor=actor,
            entity=CREDENTIAL,
            entity_id=view.id,
            action="issued",
            before=None,
            after=view,
            now=now,
        )
    return IssuedCredential(**view.model_dump(), token=key.token)


async def create_admin(*, conn: asyncpg.Connection, name: str) -> str:
    """An admin key acting as `name` (the first one, typically); its token."""
    issued = await issue_credential(
        conn=conn,
        name=name,
        role="admin",
        subject=name,
        actor=SYSTEM_ACTOR,
        now=system_clock(),
    )
    return issued.token


async def list_credentials(
    *, conn: asyncpg.Connection, cursor: str | None, limit: int
) -> Page[CredentialView]:
    """Oldest first; the cursor holds the last key's (created_at, id)."""
    after = read_cursor(
        cursor,
        kind="intake.credentials",
        parse=lambda p: (datetime.fromisoformat(str(p["at"])), str(p["id"])),
    )
    rows = await credentials.list_credentials(conn=conn, limit=limit + 1, after=after)
    return page_of(
        rows,
        limit=limit,
        cursor=lambda c: encode_cursor(
            "intake.credentials", {"at": c.created_at.isoformat(), "id": c.id}
        ),
    )


async def revoke_credential(
    *, conn: asyncpg.Connection, key_id: str, actor: AuditActor, now: datetime
) -> None:
    """404 when no live key has that id."""
    async with conn.transaction():
        before = await credentials.get_credential(conn=conn, key_id=key_id)
        if not await credentials.revoke_credential(conn=conn, key_id=key_id):
            raise not_found(f"no live credential {key_id}")
        await audit(
            conn=conn,
            actor=actor,
            entity=CREDENTIAL,
            entity_id=key_id,
            action="revoked",
            before=before,
            after=await credentials.get_credential(conn=conn, key_id=key_id),
            now=now,
        )
