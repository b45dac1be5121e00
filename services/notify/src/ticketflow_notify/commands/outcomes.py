"""What an attempt's result does: log it, then delivered, retry later, or dead-letter; and the
endpoint's health (circuit breaker, disabling it and telling its owner)."""

import random
from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events import EndpointDisabled, NotificationFailed, NotificationSent
from ticketflow_common.metrics import DEAD_LETTERS
from ticketflow_common.outbox import emit, event_for
from ticketflow_common.topics import dlq_topic
from ticketflow_common.tracing import current_trace_carrier
from ticketflow_notify.commands.compose import compose
from ticketflow_notify.domain.deliveries import Destination, NewDelivery, ToldEvent
from ticketflow_notify.domain.endpoint_health import HealthPolicy, after_attempt
from ticketflow_notify.domain.outcomes import AttemptResult, OutcomePolicy, Recorded
from ticketflow_notify.domain.retries import next_attempt_at
from ticketflow_notify.domain.targets import email_target
from ticketflow_notify.domain.templates import ENDPOINT_DISABLED_TEMPLATE, language_candidates
from ticketflow_notify.store.dead_letters import dead_letter_reason, enqueue_dead_letter
from ticketflow_notify.store.deliveries import (
    ClaimedDelivery,
    insert_delivery,
    mark_failed,
    record_attempt,
    record_success,
    schedule_retry,
)
from ticketflow_notify.store.endpoints import (
    clear_failures,
    disable_endpoint,
    lock_health,
    save_health,
)


async def record_outcome(
    *,
    conn: asyncpg.Connection,
    delivery: ClaimedDelivery,
    result: AttemptResult,
    started_at: datetime,
    latency_ms: float,
    now: datetime,
    policy: OutcomePolicy,
    rng: random.Random,
) -> Recorded:
    if result.error is None:  # the common case: one statement, no transaction round trips
        sent = event_for(
            NotificationSent(
                **_about(delivery),
                delivered_at=now,
                latency_seconds=_latency_seconds(delivery, now),
            ),
            subject=delivery.subject,
            now=now,
        )
        await record_success(
            conn=conn,
            delivery=delivery,
            started_at=started_at,
            status_code=result.status_code,
            latency_ms=latency_ms,
            now=now,
            sent=sent,
            sent_topic=NotificationSent.topic,
            trace_carrier=current_trace_carrier(),
        )
        return Recorded("delivered", False, False)
    async with conn.transaction():
        await record_attempt(
            conn=conn,
            delivery=delivery,
            started_at=started_at,
            status_code=result.status_code,
            latency_ms=latency_ms,
            error=result.error,
        )
        opened, disabled = False, False
        if delivery.endpoint_id is not None:
            opened, disabled = await _update_health(
                conn=conn, delivery=delivery, result=result, now=now, policy=policy.health
            )
        retry_at = next_attempt_at(
            attempts_made=delivery.attempts, schedule=policy.retry_schedule, now=now, rng=rng
        )
        if retry_at is not None:
            await schedule_retry(conn=conn, delivery=delivery, at=retry_at, error=result.error)
            return Recorded("retry_scheduled", opened, disabled)
        if await mark_failed(conn=conn, delivery=delivery, error=result.error):
            await _dead_letter(conn=conn, delivery=delivery, error=result.error, now=now)
        return Recorded("failed", opened, disabled)


def _latency_seconds(delivery: ClaimedDelivery, now: datetime) -> float | None:
    return None if delivery.event_time is None else (now - delivery.event_time).total_seconds()


def _about(delivery: ClaimedDelivery) -> dict[str, Any]:
    """The fields `notification.sent` and `notification.failed` both name the delivery by."""
    return {
        "delivery_id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "event_id": delivery.event_id,
        "event_type_delivered": delivery.event_type,
        "attempts": delivery.attempts,
        "channel": delivery.channel,
    }


async def _dead_letter(
    *, conn: asyncpg.Connection, delivery: ClaimedDelivery, error: str, now: datetime
) -> None:
    """`notification.failed` for everyone, and the original event to `<its topic>.dlq.notify`
    (deliveries that no consumed event caused, digests and notices, have no such topic)."""
    data = NotificationFailed(**_about(delivery), error=error, failed_at=now)
    await emit(conn, data, subject=delivery.subject, now=now)
    if delivery.source_topic is not None:
        await enqueue_dead_letter(
            conn=conn,
            dlq_topic=dlq_topic(delivery.source_topic, "notify"),
            key=delivery.subject,
            envelope=delivery.envelope,
            trace_carrier=delivery.trace_carrier,
            reason=dead_letter_reason(
                delivery_id=delivery.id,
                target=delivery.target,
                attempts=delivery.attempts,
                error=error,
                source_topic=delivery.source_topic,
            ),
            failed_at=now,
        )
        # Same counter as the consumers' dead letters: together they are what the DLQs hold.
        after_commit(conn, DEAD_LETTERS.labels("notify", delivery.source_topic).inc)


async def _update_health(
    *,
    conn: asyncpg.Connection,
    delivery: ClaimedDelivery,
    result: AttemptResult,
    now: datetime,
    policy: HealthPolicy,
) -> tuple[bool, bool]:
    assert delivery.endpoint_id is not None
    if result.succeeded:
        await clear_failures(conn=conn, endpoint_id=delivery.endpoint_id)
        return False, False
    health = await lock_health(conn=conn, endpoint_id=delivery.endpoint_id)
    if health is None:
        return False, False
    change = after_attempt(health, succeeded=result.succeeded, now=now, policy=policy)
    if change.health != health:
        await save_health(conn=conn, endpoint_id=delivery.endpoint_id, health=change.health)
    opened = change.health.circuit_open_until is not None and (
        health.circuit_open_until is None or health.circuit_open_until <= now
    )
    if not change.disable:
        return opened, False
    reason = result.error or "failing"
    endpoint = await disable_endpoint(
        conn=conn, endpoint_id=delivery.endpoint_id, now=now, reason=reason
    )
    if endpoint is None:
        return opened, False
    data = EndpointDisabled(
        endpoint_id=endpoint.id,
        url=endpoint.url,
        failing_since=change.health.failing_since or now,
        disabled_at=now,
        reason=reason,
        owner_told=endpoint.owner_email is not None,
    )
    event = await emit(conn, data, subject=str(endpoint.id), now=now)
    if endpoint.owner_email is not None:
        told = ToldEvent.of(event)
        message = await compose(
            conn=conn,
            event_type=ENDPOINT_DISABLED_TEMPLATE,
            languages=language_candidates(),
            context={"event": told.envelope, "data": told.envelope["data"], "ticket": {}},
        )
        owner = Destination(
            channel="email", target=email_target(endpoint.owner_email), endpoint_id=None
        )
        new = NewDelivery(to=owner, told=told, message=message)
        await insert_delivery(conn=conn, new=new, now=now)
    return opened, True
