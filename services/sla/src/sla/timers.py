"""Firing due SLA timers: claimed by any replica, each fired once, its event in the same commit."""

import asyncio
import logging
from datetime import datetime

import asyncpg
from opentelemetry import trace

from sla.store.clocks import claim_due, next_due_at
from ticketflow_common.clock import Clock
from ticketflow_common.envelope import new_event
from ticketflow_common.events import SlaBreached
from ticketflow_common.outbox import enqueue_event
from ticketflow_common.tracing import context_from_carrier
from ticketflow_common.transient import TRANSIENT_ERRORS
from ticketflow_common.wakeups import wait_for_any

SOURCE = "/ticketflow/sla"
log = logging.getLogger(__name__)
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
    while not stop.is_set():
        try:
            async with pool.acquire() as conn:
                fired = await fire_due_timers(conn=conn, now=clock(), limit=batch_size)
                if fired >= batch_size:
                    continue
                upcoming = await next_due_at(conn=conn)
        except TRANSIENT_ERRORS as exc:
            log.warning("timer loop failed, will retry", extra={"error": str(exc)})
            upcoming = None
        wait = max_idle_seconds
        if upcoming is not None:
            wait = min(wait, (upcoming - clock()).total_seconds())
        await wait_for_any(stop, seconds=wait)
