"""The one way a delivery is created, for an event, a closed digest or a notice to an owner."""

from datetime import datetime

import asyncpg

from ticketflow_notify.domain.deliveries import Destination, ToldEvent
from ticketflow_notify.domain.templates import RenderedMessage
from ticketflow_notify.store.deliveries import NewDelivery, insert_delivery


async def add_delivery(
    *,
    conn: asyncpg.Connection,
    to: Destination,
    told: ToldEvent,
    message: RenderedMessage | None,
    now: datetime,
    hold: datetime | None = None,
    trace_carrier: dict[str, str] | None = None,
    source_topic: str | None = None,
) -> bool:
    """Due now, or when `hold` (quiet hours) ends; `source_topic` is where the event was
    consumed from (its dead letters go to that topic's DLQ). False when `to` already has it."""
    return await insert_delivery(
        conn=conn,
        new=NewDelivery(
            channel=to.channel,
            target=to.target,
            endpoint_id=to.endpoint_id,
            event_id=told.id,
            event_type=told.type,
            subject=told.subject,
            envelope=told.envelope,
            trace_carrier=trace_carrier or {},
            message=None if message is None else message.as_json(),
            source_topic=source_topic,
            event_time=told.time,
            next_attempt_at=hold or now,
            created_at=now,
            held_until=hold,
        ),
    )
