"""Sends due deliveries (webhook, chat, email) and records every attempt and its outcome."""

import asyncio
import logging
import random
import time
from datetime import datetime

import asyncpg
from opentelemetry import trace

from ticketflow_common.clock import Clock
from ticketflow_common.tracing import context_from_carrier
from ticketflow_common.transient import TRANSIENT_ERRORS
from ticketflow_common.wakeups import listening, wait_for_any
from ticketflow_notify.channels.email_sender import SmtpSender
from ticketflow_notify.channels.http_sender import AttemptResult, HttpSender
from ticketflow_notify.delivery_outcomes import OutcomePolicy, record_outcome
from ticketflow_notify.metrics import (
    ATTEMPT_SECONDS,
    CIRCUIT_OPENED,
    DELIVERY_ATTEMPTS,
    EVENT_TO_DELIVERY_SECONDS,
)
from ticketflow_notify.store.deliveries import (
    ClaimedDelivery,
    claim_email_due,
    claim_endpoint_due,
    next_due_at,
)
from ticketflow_notify.store.endpoints import active_secrets

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
# Due deliveries that could not be claimed (another replica holds their endpoint, or it is at
# its concurrency limit) are looked at again after this long, or sooner when a slot frees.
BLOCKED_RECHECK_SECONDS = 0.05


class Dispatcher:
    """Claims due deliveries with SKIP LOCKED, so any number of replicas share the work; the
    per-endpoint concurrency limit and circuit breaker hold across replicas (see the claim)."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        http: HttpSender,
        email: SmtpSender,
        clock: Clock,
        policy: OutcomePolicy,
        timeout_seconds: float,
        batch_size: int,
        concurrency: int,
        rng: random.Random | None = None,
    ) -> None:
        self.pool = pool
        self.http = http
        self.email = email
        self.clock = clock
        self.policy = policy
        self.lease_seconds = timeout_seconds * 2 + 30
        self.batch_size = batch_size
        self.concurrency = concurrency
        self._in_flight: set[asyncio.Task[None]] = set()
        self._wakeup = asyncio.Event()
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security

    def room(self) -> int:
        return self.concurrency - len(self._in_flight)

    async def dispatch_due(self) -> int:
        """Claim as many due deliveries as this replica has free slots and start sending them;
        returns how many were claimed (`drain` waits for the ones in flight)."""
        room = min(self.batch_size, self.room())
        if room <= 0:
            return 0
        now = self.clock()
        async with self.pool.acquire() as conn:
            claimed = await claim_endpoint_due(
                conn=conn,
                now=now,
                lease_seconds=self.lease_seconds,
                limit=room,
                failure_threshold=self.policy.health.failure_threshold,
            )
            if room > len(claimed):
                claimed += await claim_email_due(
                    conn=conn, now=now, lease_seconds=self.lease_seconds, limit=room - len(claimed)
                )
            endpoint_ids = list({d.endpoint_id for d in claimed if d.endpoint_id is not None})
            secrets = (
                await active_secrets(conn=conn, endpoint_ids=endpoint_ids, now=now)
                if endpoint_ids
                else {}
            )
        for delivery in claimed:
            keys = secrets.get(delivery.endpoint_id, []) if delivery.endpoint_id else []
            task = asyncio.create_task(self._attempt(delivery, keys))
            self._in_flight.add(task)
            task.add_done_callback(self._finished)
        return len(claimed)

    def _finished(self, task: "asyncio.Task[None]") -> None:
        self._in_flight.discard(task)
        self._wakeup.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery attempt crashed", extra={"error": repr(task.exception())})

    async def drain(self) -> None:
        """Wait for every attempt in flight (each ends within the send timeout)."""
        while self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _attempt(self, delivery: ClaimedDelivery, secrets: list[str]) -> None:
        with tracer.start_as_current_span(
            f"notify deliver {delivery.event_type}",
            context=context_from_carrier(delivery.trace_carrier),
            kind=trace.SpanKind.PRODUCER,
            attributes={
                "ticketflow.delivery_id": str(delivery.id),
                "ticketflow.channel": delivery.channel,
            },
        ):
            started_at = self.clock()
            started = time.perf_counter()
            result = await self._send(delivery, secrets, now=started_at)
            elapsed = time.perf_counter() - started
            await self._record(delivery, result, started_at, elapsed)

    async def _send(
        self, delivery: ClaimedDelivery, secrets: list[str], *, now: datetime
    ) -> AttemptResult:
        if delivery.channel == "email":
            return await self.email.send(delivery, now=now)
        return await self.http.send(delivery, secrets=secrets, now=now)

    async def _record(
        self, delivery: ClaimedDelivery, result: AttemptResult, started_at: datetime, elapsed: float
    ) -> None:
        now = self.clock()
        async with self.pool.acquire() as conn:
            recorded = await record_outcome(
                conn=conn,
                delivery=delivery,
                result=result,
                started_at=started_at,
                latency_ms=elapsed * 1000,
                now=now,
                policy=self.policy,
                rng=self.rng,
            )
        ATTEMPT_SECONDS.labels(delivery.channel).observe(elapsed)
        DELIVERY_ATTEMPTS.labels(delivery.channel, recorded.outcome).inc()
        if recorded.outcome == "delivered" and delivery.event_time is not None:
            EVENT_TO_DELIVERY_SECONDS.labels(delivery.channel).observe(
                max(0.0, (now - delivery.event_time).total_seconds())
            )
        if recorded.circuit_opened:
            CIRCUIT_OPENED.inc()
            log.warning("circuit opened", extra={"endpoint_id": str(delivery.endpoint_id)})
        if recorded.disabled:
            log.error("endpoint disabled", extra={"endpoint_id": str(delivery.endpoint_id)})

    async def next_due(self) -> datetime | None:
        async with self.pool.acquire() as conn:
            return await next_due_at(conn=conn, now=self.clock())

    async def run(self, stop: asyncio.Event, *, max_idle_seconds: float) -> None:
        """Dispatch until `stop`, then finish what is in flight. Between claims it sleeps until
        the next due delivery, a new one (LISTEN/NOTIFY), a free slot, or `max_idle_seconds`."""
        async with self.pool.acquire() as conn:
            channel = f"{await conn.fetchval('SELECT current_schema()')}_deliveries"
        try:
            async with listening(self.pool, channel, self._wakeup.set):
                await self._loop(stop, max_idle_seconds=max_idle_seconds)
        finally:
            await self.drain()

    async def _loop(self, stop: asyncio.Event, *, max_idle_seconds: float) -> None:
        while not stop.is_set():
            self._wakeup.clear()
            wait = max_idle_seconds
            try:
                claimed = await self.dispatch_due()
                if claimed and self.room() > 0:
                    continue
                if self.room() > 0:
                    due = await self.next_due()
                    if due is not None:
                        floor = 0.0 if claimed else BLOCKED_RECHECK_SECONDS
                        wait = min(wait, max(floor, (due - self.clock()).total_seconds()))
            except TRANSIENT_ERRORS as exc:
                log.warning("delivery dispatcher failed, will retry", extra={"error": str(exc)})
            await wait_for_any(stop, self._wakeup, seconds=wait)
