"""Sends due webhook deliveries, signed, and records every attempt and its outcome."""

import asyncio
import json
import random
import time
from datetime import datetime

import asyncpg
import httpx
from opentelemetry import trace

from notify.domain.retries import next_attempt_at
from notify.domain.signing import (
    DELIVERY_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    signature_header,
)
from notify.store.deliveries import (
    ClaimedDelivery,
    claim_due,
    mark_delivered,
    mark_failed,
    next_due_at,
    record_attempt,
    schedule_retry,
)
from ticketflow_common.clock import Clock
from ticketflow_common.envelope import new_event
from ticketflow_common.events import NotificationFailed, NotificationSent
from ticketflow_common.outbox import enqueue_event
from ticketflow_common.tracing import context_from_carrier, current_trace_carrier
from ticketflow_common.work_loop import run_work_loop

SOURCE = "/ticketflow/notify"
tracer = trace.get_tracer(__name__)


class Dispatcher:
    """Claims due deliveries with SKIP LOCKED, so any number of replicas share the work."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        http: httpx.AsyncClient,
        clock: Clock,
        retry_schedule: list[float],
        timeout_seconds: float,
        batch_size: int,
        concurrency: int,
        rng: random.Random | None = None,
    ) -> None:
        self.pool = pool
        self.http = http
        self.clock = clock
        self.retry_schedule = retry_schedule
        self.timeout_seconds = timeout_seconds
        self.batch_size = batch_size
        self.limit = asyncio.Semaphore(concurrency)
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security

    async def dispatch_due(self) -> int:
        """Claim one batch of due deliveries and attempt each; returns how many were claimed."""
        async with self.pool.acquire() as conn:
            claimed = await claim_due(
                conn=conn,
                now=self.clock(),
                lease_seconds=self.timeout_seconds * 2 + 30,
                limit=self.batch_size,
            )
        await asyncio.gather(*(self._attempt(d) for d in claimed))
        return len(claimed)

    async def _attempt(self, delivery: ClaimedDelivery) -> None:
        async with self.limit:
            with tracer.start_as_current_span(
                f"notify deliver {delivery.event_type}",
                context=context_from_carrier(delivery.trace_carrier),
                kind=trace.SpanKind.PRODUCER,
                attributes={"ticketflow.delivery_id": str(delivery.id)},
            ):
                started_at = self.clock()
                started = time.perf_counter()
                status_code, error = await self._post(delivery, now=started_at)
                latency_ms = (time.perf_counter() - started) * 1000
                await self._record(delivery, started_at, status_code, latency_ms, error)

    async def _post(
        self, delivery: ClaimedDelivery, *, now: datetime
    ) -> tuple[int | None, str | None]:
        body = json.dumps(delivery.envelope, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/cloudevents+json",
            DELIVERY_ID_HEADER: str(delivery.id),
            EVENT_TYPE_HEADER: delivery.event_type,
            SIGNATURE_HEADER: signature_header(
                secret=delivery.secret, timestamp=int(now.timestamp()), body=body
            ),
            **current_trace_carrier(),
        }
        try:
            response = await self.http.post(
                delivery.url, content=body, headers=headers, timeout=self.timeout_seconds
            )
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"[:1000]
        if 200 <= response.status_code < 300:
            return response.status_code, None
        return response.status_code, f"HTTP {response.status_code}"

    async def _record(
        self,
        delivery: ClaimedDelivery,
        started_at: datetime,
        status_code: int | None,
        latency_ms: float,
        error: str | None,
    ) -> None:
        now = self.clock()
        async with self.pool.acquire() as conn, conn.transaction():
            await record_attempt(
                conn=conn,
                delivery=delivery,
                started_at=started_at,
                status_code=status_code,
                latency_ms=latency_ms,
                error=error,
            )
            if error is None:
                await mark_delivered(conn=conn, delivery_id=delivery.id, now=now)
                data: NotificationSent | NotificationFailed = NotificationSent(
                    delivery_id=delivery.id,
                    endpoint_id=delivery.endpoint_id,
                    event_id=delivery.event_id,
                    event_type_delivered=delivery.event_type,
                    attempts=delivery.attempts,
                    delivered_at=now,
                )
            else:
                retry_at = next_attempt_at(
                    attempts_made=delivery.attempts,
                    schedule=self.retry_schedule,
                    now=now,
                    rng=self.rng,
                )
                if retry_at is not None:
                    await schedule_retry(
                        conn=conn, delivery_id=delivery.id, at=retry_at, error=error
                    )
                    return
                await mark_failed(conn=conn, delivery_id=delivery.id, error=error)
                data = NotificationFailed(
                    delivery_id=delivery.id,
                    endpoint_id=delivery.endpoint_id,
                    event_id=delivery.event_id,
                    event_type_delivered=delivery.event_type,
                    attempts=delivery.attempts,
                    error=error,
                    failed_at=now,
                )
            subject = str(delivery.envelope.get("subject", delivery.id))
            event = new_event(data, source=SOURCE, subject=subject, time=now)
            await enqueue_event(conn=conn, event=event, topic=data.topic, key=subject)

    async def next_due(self) -> datetime | None:
        async with self.pool.acquire() as conn:
            return await next_due_at(conn=conn)

    async def run(self, stop: asyncio.Event, *, max_idle_seconds: float) -> None:
        """Dispatch until `stop`, sleeping until the next due delivery (at most `max_idle`)."""
        await run_work_loop(
            name="webhook dispatcher",
            work=self.dispatch_due,
            next_due=self.next_due,
            batch_size=self.batch_size,
            max_idle_seconds=max_idle_seconds,
            stop=stop,
            clock=self.clock,
        )
