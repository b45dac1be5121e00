"""Delivering one claimed delivery: send it on its channel, then record the outcome."""

import logging
import random
import time
from contextlib import AbstractContextManager

import asyncpg
from opentelemetry import trace
from opentelemetry.util.types import AttributeValue

from ticketflow_common.clock import Clock
from ticketflow_common.tracing import context_from_carrier, linked_span
from ticketflow_notify.adapters.senders import Senders
from ticketflow_notify.commands.claims import Claimed
from ticketflow_notify.commands.metrics import (
    ATTEMPT_SECONDS,
    CIRCUIT_OPENED,
    DELIVERY_ATTEMPTS,
    EVENT_TO_DELIVERY_SECONDS,
)
from ticketflow_notify.commands.outcomes import record_outcome
from ticketflow_notify.domain.outcomes import OutcomePolicy
from ticketflow_notify.store.deliveries import ClaimedDelivery

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


async def deliver(
    *,
    pool: asyncpg.Pool,
    claimed: Claimed,
    senders: Senders,
    clock: Clock,
    policy: OutcomePolicy,
    rng: random.Random,
) -> None:
    """Takes the pool and the clock rather than a connection and `now`: no connection is held
    while the channel answers, and the outcome is recorded at the time it came."""
    delivery = claimed.delivery
    with _delivery_span(delivery):
        started_at = clock()
        started = time.perf_counter()
        result = await senders.send(delivery, secrets=claimed.secrets, now=started_at)
        elapsed = time.perf_counter() - started
        now = clock()
        async with pool.acquire() as conn:
            recorded = await record_outcome(
                conn=conn,
                delivery=delivery,
                result=result,
                started_at=started_at,
                latency_ms=elapsed * 1000,
                now=now,
                policy=policy,
                rng=rng,
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


def _delivery_span(delivery: ClaimedDelivery) -> AbstractContextManager[trace.Span]:
    """A first attempt continues the trace of the event it tells about; a retry, minutes or
    hours later, is a trace of its own linked to it."""
    name = f"notify deliver {delivery.event_type}"
    attributes: dict[str, AttributeValue] = {
        "ticketflow.delivery_id": str(delivery.id),
        "ticketflow.channel": delivery.channel,
        "ticketflow.attempt": delivery.attempts,
    }
    if delivery.attempts > 1:  # the claim counted this attempt
        return linked_span(
            tracer,
            name,
            cause=delivery.trace_carrier,
            kind=trace.SpanKind.PRODUCER,
            attributes=attributes,
        )
    return tracer.start_as_current_span(
        name,
        context=context_from_carrier(delivery.trace_carrier),
        kind=trace.SpanKind.PRODUCER,
        attributes=attributes,
    )
