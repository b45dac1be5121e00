"""Thin routes for SLA policies and escalation policies."""

from fastapi import APIRouter, Response, status

from ticketflow_common.authorization import PrincipalDep
from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_sla.api.deps import AuditActorDep, Name, NowDep, PoolDep
from ticketflow_sla.commands.policies import (
    escalation_policy_page,
    policy_page,
    refuse_unless_may_change,
    save_escalation_policy,
    save_policy,
)
from ticketflow_sla.commands.retirement import retire_escalation_policy, retire_policy
from ticketflow_sla.domain.escalations import EscalationPolicy, EscalationPolicyUpdate
from ticketflow_sla.domain.policies import Policy, PolicyUpdate

router = APIRouter(tags=["policies"])


@router.get("/policies")
async def read_policies(
    pool: PoolDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[Policy]:
    """Live policies in matching order (by position)."""
    async with pool.acquire() as conn:
        return await policy_page(conn=conn, cursor=cursor, limit=limit)


@router.put("/policies/{name}")
async def put_policy(
    name: Name, body: PolicyUpdate, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Policy:
    """Create or replace a policy. Clocks already running keep their deadlines until the
    ticket's priority, category, channel, team or tier changes."""
    async with pool.acquire() as conn:
        return await save_policy(conn=conn, name=name, update=body, actor=actor, now=now)


@router.delete("/policies/{name}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_policy(name: Name, pool: PoolDep, now: NowDep, actor: AuditActorDep) -> Response:
    """Archive the policy: it matches no new ticket and is kept for the clocks naming it.
    409 names the tickets whose clocks still run under it. `PUT` brings it back."""
    async with pool.acquire() as conn:
        await retire_policy(conn=conn, name=name, actor=actor, now=now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/escalation-policies")
async def read_escalation_policies(
    pool: PoolDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[EscalationPolicy]:
    """Live escalation policies by name."""
    async with pool.acquire() as conn:
        return await escalation_policy_page(conn=conn, cursor=cursor, limit=limit)


@router.put("/escalation-policies/{name}")
async def put_escalation_policy(
    name: Name,
    body: EscalationPolicyUpdate,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
    principal: PrincipalDep,
) -> EscalationPolicy:
    """Create or replace; clocks already running pick up new levels at their next change. A
    lead changes only policies naming a team they lead (`team`), and keeps them theirs."""
    async with pool.acquire() as conn:
        return await save_escalation_policy(
            conn=conn, name=name, update=body, actor=actor, now=now, principal=principal
        )


@router.delete("/escalation-policies/{name}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_escalation_policy(
    name: Name, pool: PoolDep, now: NowDep, actor: AuditActorDep, principal: PrincipalDep
) -> Response:
    """Archive it (kept for clocks already escalating by it); 409 names the live policies
    that use it. `PUT` brings it back. A lead archives only their teams' policies."""
    async with pool.acquire() as conn:
        await refuse_unless_may_change(conn=conn, name=name, principal=principal)
        await retire_escalation_policy(conn=conn, name=name, actor=actor, now=now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
