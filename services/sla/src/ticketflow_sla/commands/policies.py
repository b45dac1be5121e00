"""Configuring SLA policies and escalation policies: list, create or replace (archiving is in
`retirement.py`)."""

from datetime import datetime

import asyncpg

from ticketflow_common.audit import record_change
from ticketflow_common.events.audit import AuditActor
from ticketflow_common.identity import Principal
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import FieldError, ProblemError, invalid_field
from ticketflow_sla.domain.escalation_access import may_change_escalations_of
from ticketflow_sla.domain.escalations import EscalationPolicy, EscalationPolicyUpdate
from ticketflow_sla.domain.policies import Policy, PolicyUpdate
from ticketflow_sla.store.escalations import (
    escalation_policies_after,
    get_escalation_policy,
    lock_escalation_policy,
    upsert_escalation_policy,
)
from ticketflow_sla.store.policies import (
    is_live,
    lock_policy,
    policies_after,
    upsert_policy,
)

SERVICE = "sla"


async def policy_page(*, conn: asyncpg.Connection, cursor: str | None, limit: int) -> Page[Policy]:
    """Live policies in matching order."""
    after = read_cursor(
        cursor, kind="sla.policies", parse=lambda p: (int(p["position"]), str(p["name"]))
    )
    rows = await policies_after(conn=conn, after=after, limit=limit + 1)
    return page_of(
        rows,
        limit=limit,
        cursor=lambda p: encode_cursor("sla.policies", {"position": p.position, "name": p.name}),
    )


async def save_policy(
    *,
    conn: asyncpg.Connection,
    name: str,
    update: PolicyUpdate,
    actor: AuditActor,
    now: datetime,
) -> Policy:
    """Create or replace a policy naming a live calendar (and escalation policy); 409 when its
    position is another policy's. Audited as `sla.policy`."""
    async with conn.transaction():
        before = await lock_policy(conn=conn, name=name)
        saved = await _upsert_policy(conn=conn, name=name, update=update)
        await record_change(
            conn=conn,
            service=SERVICE,
            actor=actor,
            entity="sla.policy",
            entity_id=name,
            action="created" if before is None else "updated",
            before=before,
            after=saved,
            now=now,
        )
        return saved


async def _upsert_policy(*, conn: asyncpg.Connection, name: str, update: PolicyUpdate) -> Policy:
    async with conn.transaction():
        if not await is_live(conn=conn, table="calendars", name=update.calendar):
            raise invalid_field("calendar", f"no calendar named {update.calendar!r}")
        if update.escalation_policy is not None and not await is_live(
            conn=conn, table="escalation_policies", name=update.escalation_policy
        ):
            raise invalid_field(
                "escalation_policy", f"no escalation policy named {update.escalation_policy!r}"
            )
        try:
            return await upsert_policy(conn=conn, name=name, update=update)
        except asyncpg.UniqueViolationError:
            raise ProblemError(
                409,
                f"position {update.position} is taken by another policy",
                errors=[FieldError(field="position", reason="taken by another policy")],
            ) from None


async def escalation_policy_page(
    *, conn: asyncpg.Connection, cursor: str | None, limit: int
) -> Page[EscalationPolicy]:
    """Live escalation policies by name."""
    after = read_cursor(cursor, kind="sla.escalation_policies", parse=lambda p: str(p["name"]))
    rows = await escalation_policies_after(conn=conn, after=after, limit=limit + 1)
    return page_of(
        rows,
        limit=limit,
        cursor=lambda p: encode_cursor("sla.escalation_policies", {"name": p.name}),
    )


async def save_escalation_policy(
    *,
    conn: asyncpg.Connection,
    name: str,
    update: EscalationPolicyUpdate,
    actor: AuditActor,
    now: datetime,
    principal: Principal | None = None,
) -> EscalationPolicy:
    """Create or replace, audited as `sla.escalation_policy`; 403 unless `principal` (when
    given) may change both the stored and the new policy."""
    async with conn.transaction():
        if principal is not None:
            await refuse_unless_may_change(conn=conn, name=name, principal=principal)
            refuse_unless_team(principal, update.team)
        before = await lock_escalation_policy(conn=conn, name=name)
        saved = await upsert_escalation_policy(conn=conn, name=name, update=update)
        await record_change(
            conn=conn,
            service=SERVICE,
            actor=actor,
            entity="sla.escalation_policy",
            entity_id=name,
            action="created" if before is None else "updated",
            before=before,
            after=saved,
            now=now,
        )
        return saved


async def refuse_unless_may_change(
    *, conn: asyncpg.Connection, name: str, principal: Principal
) -> None:
    """403 for a stored escalation policy that is not the caller's team's."""
    stored = await get_escalation_policy(conn=conn, name=name)
    if stored is not None:
        refuse_unless_team(principal, stored.team)


def refuse_unless_team(principal: Principal, team: str | None) -> None:
    if not may_change_escalations_of(principal, team):
        whose = f"team {team}'s lead" if team else "an admin"
        raise ProblemError(
            403, f"only {whose} may change this escalation policy", role=principal.role
        )
