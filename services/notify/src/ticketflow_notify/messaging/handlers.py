"""Notify's reaction to every event it consumes: projection kept, deliveries fanned out."""

from collections.abc import Mapping

import asyncpg

from ticketflow_common import topics
from ticketflow_common.clock import Clock
from ticketflow_common.consumer import Handler
from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.tracing import current_trace_carrier
from ticketflow_notify.fan_out import FanOutPolicy, fan_out

FORWARDED_TOPICS = frozenset(topics.CONSUMED_BY["notify"])


def build_handlers(*, policy: FanOutPolicy, clock: Clock) -> Mapping[str, Handler]:
    """One handler for every event type on the topics notify consumes."""

    async def on_any_event(conn: asyncpg.Connection, envelope: Envelope, event: EventData) -> None:
        await fan_out(
            conn=conn,
            envelope=envelope,
            topic=event.topic,
            trace_carrier=current_trace_carrier(),
            now=clock(),
            policy=policy,
        )

    return {
        event_type: on_any_event
        for event_type, model in EVENT_MODELS.items()
        if model.topic in FORWARDED_TOPICS
    }
