"""The "send test event" of an endpoint: a `ticketflow.test` event through the normal delivery
path (claimed, signed and retried like any other), so integrators check their receiver."""

from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_notify.domain.deliveries import Destination, NewDelivery, ToldEvent
from ticketflow_notify.domain.endpoints import SendTestEvent, SentTestEvent
from ticketflow_notify.domain.targets import endpoint_target
from ticketflow_notify.domain.templates import RenderedMessage
from ticketflow_notify.store.deliveries import delivery_id_of, insert_delivery
from ticketflow_notify.store.endpoints import get_endpoint

TEST_EVENT_TYPE = "ticketflow.test"
TEST_EVENT_SOURCE = "ticketflow/notify"


def trial_envelope(*, endpoint_id: UUID, message: str, now: datetime) -> Envelope:
    """A CloudEvent about the endpoint itself; no ticket is involved."""
    return Envelope(
        id=uuid4(),
        source=TEST_EVENT_SOURCE,
        type=TEST_EVENT_TYPE,
        time=now,
        subject=f"endpoint/{endpoint_id}",
        data={"endpoint_id": str(endpoint_id), "message": message, "test": True},
    )


async def send_test_event(
    *, conn: asyncpg.Connection, endpoint_id: UUID, body: SendTestEvent, now: datetime
) -> SentTestEvent | None:
    """Queue the test delivery, due at once; None when there is no live endpoint of that id.
    A disabled endpoint gets it once re-enabled, like its other pending deliveries."""
    endpoint = await get_endpoint(conn=conn, endpoint_id=endpoint_id)
    if endpoint is None:
        return None
    envelope = trial_envelope(endpoint_id=endpoint_id, message=body.message, now=now)
    message = None
    if endpoint.kind == "chat":
        message = RenderedMessage(subject="Ticketflow test event", body=body.message)
    new = NewDelivery(
        to=Destination(
            channel=endpoint.kind, target=endpoint_target(endpoint_id), endpoint_id=endpoint_id
        ),
        told=ToldEvent.of(envelope),
        message=message,
    )
    await insert_delivery(conn=conn, new=new, now=now)
    delivery_id = await delivery_id_of(conn=conn, target=new.to.target, event_id=envelope.id)
    return SentTestEvent(delivery_id=delivery_id, event_id=envelope.id, event_type=envelope.type)
