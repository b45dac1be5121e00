"""Thin routes for SLA policies and escalation policies."""

from typing import Annotated

import asyncpg
from fastapi import APIRouter, Path, Response, status

from ticketflow_common.problems import FieldError, ProblemError, invalid_field
from ticketflow_sla.api.deps import ClockDep, PoolDep
from ticketflow_sla.domain.escalations import EscalationPolicy, EscalationPolicyUpdate
from ticketflow_sla.domain.policies import NAME_PATTERN, Policy, PolicyUpdate
from ticketflow_sla.retirement import retire_escalation_policy, retire_policy
from ticketflow_sla.store.escalations import list_escalation_policies, upsert_escalation_policy
from ticketflow_sla.store.policies import is_live, list_policies, upsert_policy

router = APIRouter(tags=["policies"])

Name = Annotated[str, Path(min_length=1, max_length=100, pattern=NAME_PATTERN)]


@router.get("/policies")
async def read_policies(pool: PoolDep) -> list[Policy]:
    async with pool.acquire() as conn:
        return await list_policies(conn=conn)


@router.put("/policies/{name}")
async def put_policy(name: Name, body: PolicyUpdate, pool: PoolDep) -> Policy:
    """Create or replace a policy. Clocks already running keep their deadlines until the
    ticket's priority, category, channel, team or tier changes."""
    async with pool.acquire() as conn, conn.transaction():
        if not await is_live(conn=conn, table="calendars", name=body.calendar):
            raise invalid_field("calendar", f"no calendar named {body.calendar!r}")
        if body.escalation_policy is not None and not await is_live(
            conn=conn, table="escalation_policies", name=body.escalation_policy
        ):
            raise invalid_field(
                "escalation_policy", f"no escalation policy named {body.escalation_policy!r}"
            )
        try:
            return await upsert_policy(conn=conn, name=name, update=body)
        except asyncpg.UniqueViolationError:
            raise ProblemError(
                409,
                f"position {body.position} is taken by another policy",
                errors=[FieldError(field="position", reason="taken by another policy")],
            ) from None


@router.delete("/policies/{name}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_policy(name: Name, pool: PoolDep, clock: ClockDep) -> Response:
    """Archive the policy: it matches no new ticket and is kept for the clocks naming it.
    409 names the tickets whose clocks still run under it. `PUT` brings it back."""
    async with pool.acquire() as conn, conn.transaction():
        if not await retire_policy(conn=conn, name=name, now=clock()):
            raise ProblemError(404, f"no policy named {name!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/escalation-policies")
async def read_escalation_policies(pool: PoolDep) -> list[EscalationPolicy]:
    async with pool.acquire() as conn:
        return await list_escalation_policies(conn=conn)


@router.put("/escalation-policies/{name}")
async def put_escalation_policy(
    name: Name, body: EscalationPolicyUpdate, pool: PoolDep
) -> EscalationPolicy:
    """Create or replace; clocks already running pick up new levels at their next change."""
    async with pool.acquire() as conn:
        return await upsert_escalation_policy(conn=conn, name=name, update=body)


@router.delete("/escalation-policies/{name}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_escalation_policy(name: Name, pool: PoolDep, clock: ClockDep) -> Response:
    """Archive it (kept for clocks already escalating by it); 409 names the live policies
    that use it. `PUT` brings it back."""
    async with pool.acquire() as conn, conn.transaction():
        if not await retire_escalation_policy(conn=conn, name=name, now=clock()):
            raise ProblemError(404, f"no escalation policy named {name!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
