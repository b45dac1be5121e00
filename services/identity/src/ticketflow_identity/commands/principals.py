"""Principals: create, change, disable, read; each change reported as `principal.changed` and
audited in the transaction that makes it (disabling also revokes the principal's keys)."""

from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.events.identity import CredentialRevoked, PrincipalChanged
from ticketflow_common.outbox import emit
from ticketflow_common.pagination import Page, encode_timed_cursor, page_of, read_timed_cursor
from ticketflow_common.preconditions import EntityTag, WritePrecondition
from ticketflow_common.problems import ProblemError, invalid_field, not_found
from ticketflow_identity.commands.api_keys import view_of as key_view
from ticketflow_identity.commands.audit import audit
from ticketflow_identity.domain.principals import (
    NewPrincipal,
    NullField,
    PrincipalFilter,
    PrincipalPatch,
    PrincipalView,
)
from ticketflow_identity.store import api_keys as key_store
from ticketflow_identity.store import principals as store


def view_of(row: asyncpg.Record) -> PrincipalView:
    return PrincipalView(**dict(row), disabled=row["disabled_at"] is not None)


def etag_of(principal: PrincipalView) -> EntityTag:
    return EntityTag(str(principal.version))


async def _changed(
    *,
    conn: asyncpg.Connection,
    before: PrincipalView | None,
    view: PrincipalView,
    action: str,
    actor: AuditActor,
    now: datetime,
) -> None:
    await audit(
        conn=conn,
        actor=actor,
        entity="identity.principal",
        entity_id=str(view.principal_id),
        action=action,
        before=before,
        after=view,
        now=now,
    )
    await emit(
        conn,
        PrincipalChanged(
            principal_id=view.principal_id,
            kind=view.kind,
            display_name=view.display_name,
            role=view.role,
            agent_id=view.agent_id,
            teams=view.teams,
            disabled=view.disabled,
            version=view.version,
            changed_at=now,
        ),
        subject=str(view.principal_id),
        now=now,
    )


async def _email_free(
    *, conn: asyncpg.Connection, email: str | None, principal_id: UUID | None
) -> None:
    if email is None:
        return
    holder = await store.principal_by_email(conn=conn, email=email)
    if holder is not None and holder["principal_id"] != principal_id:
        raise ProblemError(
            409, f"email {email} already belongs to principal {holder['principal_id']}"
        )


async def create_principal(
    *, conn: asyncpg.Connection, new: NewPrincipal, actor: AuditActor, now: datetime
) -> PrincipalView:
    async with conn.transaction():
        await _email_free(conn=conn, email=new.email, principal_id=None)
        row = await store.insert_principal(
            conn=conn,
            principal_id=uuid4(),
            kind=new.kind,
            display_name=new.display_name,
            email=new.email,
            role=new.role,
            agent_id=new.agent_id,
            teams=list(dict.fromkeys(new.teams)),
            now=now,
        )
        view = view_of(row)
        await _changed(conn=conn, before=None, view=view, action="created", actor=actor, now=now)
    return view


async def read_principal(*, conn: asyncpg.Connection, principal_id: UUID) -> PrincipalView:
    row = await store.get_principal(conn=conn, principal_id=principal_id)
    if row is None:
        raise not_found(f"principal {principal_id} not found")
    return view_of(row)


async def find_principal(*, conn: asyncpg.Connection, principal_id: UUID) -> PrincipalView | None:
    row = await store.get_principal(conn=conn, principal_id=principal_id)
    return None if row is None else view_of(row)


async def list_principals(
    *, conn: asyncpg.Connection, where: PrincipalFilter, cursor: str | None
) -> Page[PrincipalView]:
    """Oldest first; the cursor holds the last principal's (created_at, principal_id)."""
    after = read_timed_cursor(cursor, kind="identity.principals")
    query = where.model_dump() | {"limit": where.limit + 1}
    rows = await store.list_principals(conn=conn, **query, after=after)
    return page_of(
        [view_of(r) for r in rows],
        limit=where.limit,
        cursor=lambda p: encode_timed_cursor("identity.principals", p.created_at, p.principal_id),
    )


async def update_principal(
    *,
    conn: asyncpg.Connection,
    principal_id: UUID,
    patch: PrincipalPatch,
    precondition: WritePrecondition,
    actor: AuditActor,
    now: datetime,
) -> PrincipalView:
    try:
        changes = patch.changes()
    except NullField as exc:
        raise invalid_field(exc.field, str(exc)) from exc
    if "teams" in changes:
        changes["teams"] = list(dict.fromkeys(changes["teams"]))
    async with conn.transaction():
        current = await _locked(conn=conn, principal_id=principal_id)
        precondition.check(etag_of(current), what=f"principal {principal_id}")
        if current.disabled:
            raise ProblemError(409, f"principal {principal_id} is disabled")
        if "email" in changes:
            await _email_free(conn=conn, email=changes["email"], principal_id=principal_id)
        if not changes:
            return current
        view = view_of(
            await store.update_principal(
                conn=conn, principal_id=principal_id, changes=changes, now=now
            )
        )
        await _changed(conn=conn, before=current, view=view, action="updated", actor=actor, now=now)
    return view


async def disable_principal(
    *,
    conn: asyncpg.Connection,
    principal_id: UUID,
    precondition: WritePrecondition,
    actor: AuditActor,
    now: datetime,
) -> PrincipalView:
    """Disabled for good: its keys are revoked and every service refuses its tokens."""
    async with conn.transaction():
        current = await _locked(conn=conn, principal_id=principal_id)
        precondition.check(etag_of(current), what=f"principal {principal_id}")
        if current.disabled:
            return current
        view = view_of(await store.disable_principal(conn=conn, principal_id=principal_id, now=now))
        await _changed(
            conn=conn, before=current, view=view, action="disabled", actor=actor, now=now
        )
        for key in await key_store.live_keys_of(conn=conn, principal_id=principal_id):
            revoked = await key_store.revoke_key(conn=conn, key_id=key["key_id"], now=now)
            await audit(
                conn=conn,
                actor=actor,
                entity="identity.api_key",
                entity_id=key["key_id"],
                action="revoked",
                before=key_view(key, now=now),
                after=key_view(revoked, now=now),
                now=now,
            )
            await emit(
                conn,
                CredentialRevoked(
                    credential_id=key["key_id"],
                    principal_id=principal_id,
                    reason="principal_disabled",
                    revoked_at=now,
                ),
                subject=str(principal_id),
                now=now,
            )
    return view


async def _locked(*, conn: asyncpg.Connection, principal_id: UUID) -> PrincipalView:
    row = await store.get_principal(conn=conn, principal_id=principal_id, for_update=True)
    if row is None:
        raise not_found(f"principal {principal_id} not found")
    return view_of(row)
