"""Thin routes for agents: create, read, change status."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, HTTPException, Query, status

from routing.api.deps import PoolDep
from routing.assignments import drain_queue
from routing.domain.agents import Agent, NewAgent, StatusChange
from routing.store.agents import get_agent, insert_agent, list_agents, set_status
from ticketflow_common.envelope import new_event
from ticketflow_common.events import AgentStatusChanged
from ticketflow_common.outbox import enqueue_event

router = APIRouter(prefix="/agents", tags=["agents"])

SOURCE = "/ticketflow/routing"


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_agent(body: NewAgent, pool: PoolDep) -> Agent:
    """Create the agent; queued tickets it can take are assigned in the same transaction."""
    async with pool.acquire() as conn, conn.transaction():
        agent = await insert_agent(conn=conn, agent_id=uuid4(), new=body)
        await drain_queue(conn=conn, now=datetime.now(UTC))
    return agent


@router.get("")
async def read_agents(
    pool: PoolDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[Agent]:
    async with pool.acquire() as conn:
        return await list_agents(conn=conn, limit=limit)


@router.get("/{agent_id}")
async def read_agent(agent_id: UUID, pool: PoolDep) -> Agent:
    async with pool.acquire() as conn:
        agent = await get_agent(conn=conn, agent_id=agent_id)
    if agent is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"agent {agent_id} not found")
    return agent


@router.put("/{agent_id}/status")
async def change_status(agent_id: UUID, body: StatusChange, pool: PoolDep) -> Agent:
    """Set online/away/offline, emit `agent.status_changed`, and drain the queue if online."""
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        changed = await set_status(conn=conn, agent_id=agent_id, status=body.status)
        if changed is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"agent {agent_id} not found")
        agent, previous = changed
        if previous != agent.status:
            data = AgentStatusChanged(
                agent_id=agent.id,
                team=agent.team,
                previous_status=previous,
                status=agent.status,
                changed_at=now,
            )
            event = new_event(data, source=SOURCE, subject=str(agent.id), time=now)
            await enqueue_event(conn=conn, event=event, topic=data.topic, key=str(agent.id))
        if agent.status == "online":
            await drain_queue(conn=conn, now=now)
    return agent
