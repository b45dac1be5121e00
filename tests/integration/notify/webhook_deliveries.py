"""A claimed webhook delivery to hand an `HttpSender` directly, without the database."""

import uuid

from ticketflow_notify.store.deliveries import ClaimedDelivery


def delivery(url: str) -> ClaimedDelivery:
    """A first attempt of a `ticket.created` webhook to `url`."""
    return ClaimedDelivery(
        id=uuid.uuid4(), channel="webhook", target=url, endpoint_id=uuid.uuid4(),
        event_id=uuid.uuid4(), event_type="ticket.created", subject="t", envelope={"id": "e"},
        trace_carrier={}, message=None, source_topic=None, event_time=None, attempts=1, url=url,
    )  # fmt: skip
