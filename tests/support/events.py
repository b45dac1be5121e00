"""Events as their publishers would put them on the bus, for tests of the consuming side."""

import uuid
from datetime import UTC, datetime

from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import TicketCreated


def ticket_created(subject: str = "打印机卡纸") -> Envelope:
    """A new ticket's `ticket.created`, keyed and subjected by its ticket id."""
    ticket_id = uuid.uuid4()
    data = TicketCreated(
        ticket_id=ticket_id,
        subject=subject,
        priority="normal",
        required_skills=[],
        requester_id="u-7",
        created_at=datetime.now(UTC),
    )
    return new_event(data, source="/tests", subject=str(ticket_id))
