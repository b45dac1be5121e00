"""`GET /audit` on every service (admin only), and the actor of a request as the log records it."""

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel

from ticketflow_common.audit import SERVICE_TOKEN_ACTOR
from ticketflow_common.events.audit import AuditActor, AuditChange
from ticketflow_common.identity import Principal
from ticketflow_common.pagination import (
    CursorQuery,
    LimitQuery,
    Page,
    encode_cursor,
    page_of,
    read_cursor,
)
from ticketflow_common.problems import ProblemError, invalid_field
from ticketflow_common.runtime import Runtime


def _client_address(request: Request) -> str | None:
    return request.client.host if request.client is not None else None


async def audit_actor(request: Request) -> AuditActor:
    """Who makes the request's change: the verified principal when there is one; a service's
    own caller type (an intake API key) by its role and credential; else the service token."""
    principal = getattr(request.state, "principal", None)
    address = _client_address(request)
    if isinstance(principal, Principal):
        return AuditActor(
            subject=principal.subject,
            role=principal.role,
            credential_id=principal.credential_id,
            client_address=address,
        )
    role = getattr(principal, "role", None)
    if isinstance(role, str):
        credential = getattr(principal, "credential_id", None)
        subject = (
            getattr(principal, "subject", None)
            or getattr(principal, "agent_id", None)
            or credential
            or SERVICE_TOKEN_ACTOR.subject
        )
        return AuditActor(
            subject=str(subject),
            role=role,
            credential_id=None if credential is None else str(credential),
            client_address=address,
        )
    return SERVICE_TOKEN_ACTOR.model_copy(update={"client_address": address})


AuditActorDep = Annotated[AuditActor, Depends(audit_actor)]
"""The actor a route passes to its command (keyword-only `actor=`)."""


async def require_audit_reader(request: Request) -> None:
    """Admins only: a principal with the admin role, or the service's own token."""
    principal = getattr(request.state, "principal", None)
    if isinstance(principal, Principal):
        if principal.role == "admin":
            return
        raise ProblemError(403, "reading the audit log needs the admin role")
    if getattr(principal, "role", None) == "admin":
        return
    runtime: Runtime[Any] = request.app.state.runtime
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    expected = runtime.settings.api_token.get_secret_value()
    if scheme.lower() == "bearer" and secrets.compare_digest(token.strip(), expected):
        return
    raise ProblemError(403, "reading the audit log needs the admin role")


class AuditEntry(BaseModel):
    """One stored entry of the service's chain."""

    sequence: int
    entity: str
    entity_id: str
    action: str
    actor: AuditActor
    before: Any = None
    after: Any = None
    changes: list[AuditChange]
    recorded_at: datetime
    previous_hash: str
    hash: str


router = APIRouter(tags=["audit"])


@router.get("/audit", dependencies=[Depends(require_audit_reader)])
async def read_audit_log(
    request: Request,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    entity_id: Annotated[str | None, Query(max_length=200)] = None,
    actor: Annotated[str | None, Query(max_length=200, description="The actor's subject.")] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[AwareDatetime | None, Query(description="Recorded at or after.")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Recorded before.")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
    order: Annotated[Literal["newest", "oldest"], Query()] = "newest",
) -> Page[AuditEntry]:
    """The service's audit log, filtered; newest first unless `order=oldest` (a cursor holds
    its order)."""
    if since is not None and until is not None and until <= since:
        raise invalid_field("query:until", "must be after since")
    kind = f"audit.{order}"
    after = read_cursor(cursor, kind=kind, parse=lambda p: int(p["sequence"]))
    runtime: Runtime[Any] = request.app.state.runtime
    async with runtime.pool.acquire() as conn:
        entries = await list_entries(
            conn=conn,
            filters={
                "entity": entity,
                "entity_id": entity_id,
                "actor": actor,
                "action": action,
            },
            since=since,
            until=until,
            after_sequence=after,
            limit=limit + 1,
            newest_first=order == "newest",
        )
    return page_of(
        entries, limit=limit, cursor=lambda e: encode_cursor(kind, {"sequence": e.sequence})
    )


COLUMNS = {
    "entity": "entity",
    "entity_id": "entity_id",
    "actor": "actor ->> 'subject'",
    "action": "action",
}


async def list_entries(
    *,
    conn: asyncpg.Connection,
    filters: Mapping[str, str | None],
    since: datetime | None,
    until: datetime | None,
    after_sequence: int | None,
    limit: int,
    newest_first: bool,
) -> list[AuditEntry]:
    """The entries matching every given filter, in sequence order either way."""
    where: list[str] = []
    args: list[object] = []

    def bind(clause: str, value: object) -> None:
        args.append(value)
        where.append(clause.format(f"${len(args)}"))

    for name, value in filters.items():
        if value is not None:
            bind(f"{COLUMNS[name]} = {{}}", value)
    if since is not None:
        bind("recorded_at >= {}", since)
    if until is not None:
        bind("recorded_at < {}", until)
    if after_sequence is not None:
        bind("sequence < {}" if newest_first else "sequence > {}", after_sequence)
    args.append(limit)
    query = (
        "SELECT * FROM audit_log"
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY sequence {'DESC' if newest_first else 'ASC'} LIMIT ${len(args)}"
    )
    rows = await conn.fetch(query, *args)
    return [AuditEntry.model_validate(dict(row)) for row in rows]
