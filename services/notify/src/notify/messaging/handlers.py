"""Notify's reaction to every event: one pending delivery per subscribed endpoint."""

from datetime import UTC, datetime

import asyncpg

from notify.store.deliveries import fan_out
from ticketflow_common import topics
from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.tracing import current_trace_carrier

FORWARDED_TOPICS = frozenset(topics.CONSUMED_BY["notify"])


async def on_any_event(conn: asyncpg.Connection, envelope: Envelope, _event: EventData) -> None:
    await fan_out(
        conn=conn,
        event_id=envelope.id,
        event_type=envelope.type,
        subject=envelope.subject,
        envelope=envelope.model_dump(mode="json"),
        trace_carrier=current_trace_carrier(),
        now=datetime.now(UTC),
    )


HANDLERS = {
    event_type: on_any_event
    for event_type, model in EVENT_MODELS.items()
    if model.topic in FORWARDED_TOPICS
}
