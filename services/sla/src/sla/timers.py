"""Firing due SLA timers: claimed by any replica, each fired once, its event in the same commit."""

import asyncio
from datetime import datetime

import asyncpg
from opentelemetry import trace

from sla.store.clocks import claim_due, next_due_at
from ticketflow_common.clock import Clock
from ticketflow_common.envelope import new_event
from ticketflow_common.events import SlaBreached
from ticketflow_common.outbox import enqueue_event
from ticketflow_common.tracing import context_from_carrier
from ticketflow_common.work_loop import run_work_loop

SOURCE = "/ticketflow/sla"
tracer = trace.get_tracer(__name__)


async def fire_due_timers(*, conn: asyncpg.Connection, now: datetime, limit: int) -> int:
    """Emit `sla.breached` for every clock whose deadline is at or before `now`."""
    async with conn.transaction():
        fired = await claim_due(conn=conn, now=now, limit=limit)
        for timer in fired:
            with tracer.start_as_current_span(
                "sla fire breach timer", context=context_from_carrier(timer.trace_carrier)
            ):
                data = SlaBreached(
                    ticket_id=timer.ticket_id,
                    clock_id=timer.clock_id,
                    metric="first_response",
                    policy=timer.policy,
                    due_at=timer.due_at,
                    fired_at=now,
                )
                event = new_event(data, source=SOURCE, subject=str(timer.ticket_id), time=now)
                await enqueue_event(
                    conn=conn, event=event, topic=data.topic, key=str(timer.ticket_id)
                )
    return len(fired)


async def run_timer_loop(
    *,
    pool: asyncpg.Pool,
    clock: Clock,
    stop: asyncio.Event,
    batch_size: int,
    max_idle_seconds: float,
) -> None:
    """Fire due timers until `stop`, sleeping until the next deadline (at most `max_idle`)."""

    async def fire() -> int:
        async with pool.acquire() as conn:
            return await fire_due_timers(conn=conn, now=clock(), limit=batch_size)

    async def upcoming() -> datetime | None:
        async with pool.acquire() as conn:
            return await next_due_at(conn=conn)

    await run_work_loop(
        name="sla timers",
        work=fire,
        next_due=upcoming,
        batch_size=batch_size,
        max_idle_seconds=max_idle_seconds,
        stop=stop,
        clock=clock,
    )
