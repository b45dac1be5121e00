"""Routing's background work, safe on any number of replicas: pickup deadlines and hand-backs,
shift starts and ends, the queue sweep, and the gauges. Time comes from an injected clock."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

import asyncpg
from prometheus_client import Gauge

from ticketflow_common.clock import Clock
from ticketflow_common.work_loop import run_work_loop
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.shifts import is_on_shift, next_shift_change
from ticketflow_routing.domain.tickets import NOT_STARTED
from ticketflow_routing.handoffs import drain_for_agent, hand_on, sweep_queue
from ticketflow_routing.metrics import (
    AGENT_UTILISATION,
    AGENTS_ONLINE,
    QUEUE_DEPTH,
    UNOWNED_OLDEST_SECONDS,
    UNOWNED_TICKETS,
)
from ticketflow_routing.store.agents import (
    claim_shift_changes,
    next_shift_change_due,
    set_shift_state,
)
from ticketflow_routing.store.assignments import (
    claim_due_pickup,
    get_assignment,
    hand_back_not_started,
    next_pickup_due,
)
from ticketflow_routing.store.metrics import routing_gauges
from ticketflow_routing.store.queue import spare_capacity_exists
from ticketflow_routing.store.tickets import get_ticket


async def hand_on_due_pickup(
    *, conn: asyncpg.Connection, now: datetime, policy: RoutingPolicy
) -> bool:
    """Handle one due pickup deadline in its own transaction; False when none is due."""
    async with conn.transaction():
        due = await claim_due_pickup(conn=conn, now=now)
        if due is None:
            return False
        ticket = await get_ticket(conn=conn, ticket_id=due.ticket_id)
        owner = await get_assignment(conn=conn, ticket_id=due.ticket_id)
        if ticket is None or ticket.status not in NOT_STARTED or owner is None:
            return True
        if owner.agent_id != due.agent_id:
            return True
        await hand_on(
            conn=conn,
            ticket=ticket,
            now=now,
            policy=policy,
            reason=due.reason,
            keep_if_nobody_else=due.reason == "pickup_timeout",
        )
    return True


async def apply_due_shift_change(
    *, conn: asyncpg.Connection, now: datetime, policy: RoutingPolicy
) -> bool:
    """One agent whose shift started or ended: available again (take from the queue) or
    gone (hand back what they have not started). False when none is due."""
    async with conn.transaction():
        claimed = await claim_shift_changes(conn=conn, now=now, limit=1)
        if not claimed:
            return False
        agent = claimed[0]
        on_shift = is_on_shift(agent.shifts, agent.time_zone, now)
        await set_shift_state(
            conn=conn,
            agent_id=agent.agent_id,
            on_shift=on_shift,
            next_shift_change_at=next_shift_change(agent.shifts, agent.time_zone, now),
        )
        if agent.status == "online" and on_shift:
            await drain_for_agent(conn=conn, agent_id=agent.agent_id, now=now, policy=policy)
        elif agent.status == "online":
            await hand_back_not_started(
                conn=conn, agent_id=agent.agent_id, reason="shift_ended", now=now
            )
    return True


async def sweep_queues(
    *, conn: asyncpg.Connection, now: datetime, policy: RoutingPolicy, limit: int
) -> int:
    async with conn.transaction():
        if not await spare_capacity_exists(conn=conn):
            return 0
        return await sweep_queue(conn=conn, now=now, policy=policy, limit=limit)


async def refresh_gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
    gauges = await routing_gauges(conn=conn)
    _set_per_team(QUEUE_DEPTH, gauges.queue_depth)
    _set_per_team(AGENT_UTILISATION, gauges.utilisation)
    _set_per_team(AGENTS_ONLINE, gauges.online)
    UNOWNED_TICKETS.set(gauges.unowned)
    oldest = gauges.oldest_unowned_at
    UNOWNED_OLDEST_SECONDS.set(max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)


_TEAMS_SEEN: dict[Gauge, set[str]] = {}


def _set_per_team(gauge: Gauge, values: dict[str, float]) -> None:
    """Set each team's value; a team that disappeared drops to 0 rather than going stale."""
    seen = _TEAMS_SEEN.setdefault(gauge, set())
    for team in seen - values.keys():
        gauge.labels(team).set(0)
    for team, value in values.items():
        gauge.labels(team).set(value)
    seen.update(values)


async def run_routing_loops(
    *,
    pool: asyncpg.Pool,
    clock: Clock,
    stop: asyncio.Event,
    policy: RoutingPolicy,
    max_idle_seconds: float,
    sweep_interval_seconds: float,
    gauges_interval_seconds: float,
    batch_size: int = 50,
) -> None:
    """Pickup deadlines, shift changes, queue sweep and gauges until `stop`."""

    async def one_by_one(step: Callable[..., Awaitable[bool]]) -> int:
        """Apply `step` until nothing is due or a batch is done; how many were applied."""
        done = 0
        async with pool.acquire() as conn:
            while done < batch_size and await step(conn=conn, now=clock(), policy=policy):
                done += 1
        return done

    async def pickups() -> int:
        return await one_by_one(hand_on_due_pickup)

    async def pickups_due() -> datetime | None:
        async with pool.acquire() as conn:
            return await next_pickup_due(conn=conn)

    async def shifts() -> int:
        return await one_by_one(apply_due_shift_change)

    async def shifts_due() -> datetime | None:
        async with pool.acquire() as conn:
            return await next_shift_change_due(conn=conn)

    async def sweep() -> int:
        async with pool.acquire() as conn:
            await sweep_queues(conn=conn, now=clock(), policy=policy, limit=batch_size)
        return 0

    async def gauges() -> int:
        async with pool.acquire() as conn:
            await refresh_gauges(conn=conn, now=clock())
        return 0

    await asyncio.gather(
        run_work_loop(
            name="routing pickup deadlines",
            work=pickups,
            next_due=pickups_due,
            max_idle_seconds=max_idle_seconds,
            stop=stop,
            clock=clock,
            batch_size=batch_size,
        ),
        run_work_loop(
            name="routing shift changes",
            work=shifts,
            next_due=shifts_due,
            max_idle_seconds=max_idle_seconds,
            stop=stop,
            clock=clock,
            batch_size=batch_size,
        ),
        run_work_loop(
            name="routing queue sweep",
            work=sweep,
            max_idle_seconds=sweep_interval_seconds,
            stop=stop,
            clock=clock,
            batch_size=batch_size,
        ),
        run_work_loop(
            name="routing gauges",
            work=gauges,
            max_idle_seconds=gauges_interval_seconds,
            stop=stop,
            clock=clock,
            batch_size=batch_size,
        ),
    )
