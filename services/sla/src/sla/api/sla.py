"""Thin routes for policies and a ticket's clocks."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path

from sla.api.deps import ClockDep, PoolDep
from sla.domain.clocks import ClockView
from sla.domain.policies import Policy, PolicyUpdate
from sla.store.clocks import clocks_of_ticket
from sla.store.policies import list_policies, upsert_policy

router = APIRouter(tags=["sla"])

PolicyName = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


@router.get("/policies")
async def read_policies(pool: PoolDep) -> list[Policy]:
    async with pool.acquire() as conn:
        return await list_policies(conn=conn)


@router.put("/policies/{name}")
async def put_policy(name: PolicyName, body: PolicyUpdate, pool: PoolDep) -> Policy:
    """Create or replace a policy; clocks already running keep their deadlines."""
    async with pool.acquire() as conn:
        return await upsert_policy(conn=conn, name=name, update=body)


@router.get("/tickets/{ticket_id}/sla")
async def read_ticket_clocks(ticket_id: UUID, pool: PoolDep, clock: ClockDep) -> list[ClockView]:
    async with pool.acquire() as conn:
        return await clocks_of_ticket(conn=conn, ticket_id=ticket_id, now=clock())
