"""What intake does with knowledge's answers (pure): which tickets a self-service answer or a
resolved problem may resolve, and the entry a problem leaves on each of its tickets."""

from uuid import UUID, uuid5

from ticketflow_common.envelope import Envelope
from ticketflow_common.events.common import TicketStatus
from ticketflow_intake.domain.lifecycle import allowed_next
from ticketflow_intake.domain.tickets import Ticket

SELF_SERVICE = "self_service"
"""The reason of a resolution the requester made by saying a suggested item solved it."""
PROBLEM_RESOLVED = "problem_resolved"
"""The reason of a resolution a problem's permanent fix made for its linked tickets."""


def may_resolve(status: TicketStatus) -> bool:
    """Still being worked on and allowed to move to resolved (new, open, in progress, waiting
    on the customer); resolved, closed and unapproved tickets are left as they are."""
    return "resolved" in allowed_next(status)


def self_service_applies(ticket: Ticket, *, answered_by: str) -> bool:
    """Only the ticket's own requester resolves it by answering; anyone else changes nothing."""
    return ticket.requester.id == answered_by and may_resolve(ticket.status)


def entry_for_ticket(envelope: Envelope, ticket_id: UUID) -> Envelope:
    """A problem's event as one of its tickets' timeline entries: a stable id per ticket (the
    timeline keeps one entry per event id), the problem's facts without the other tickets."""
    data = {k: v for k, v in envelope.data.items() if k != "ticket_ids"}
    return envelope.model_copy(
        update={"id": uuid5(envelope.id, str(ticket_id)), "subject": str(ticket_id), "data": data}
    )
