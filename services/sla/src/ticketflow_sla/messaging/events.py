"""What SLA does with each event it consumes: ticket events move the clocks (the rules are in
`domain/clock_lifecycle.py`), routing's assignments name whom escalations alert."""

from ticketflow_common.event_table import EventTable
from ticketflow_common.events import (
    TicketAssigned,
    TicketCommented,
    TicketCreated,
    TicketStatusChanged,
    TicketTransferred,
    TicketUpdated,
)
from ticketflow_common.runtime import Runtime
from ticketflow_sla.commands.assignments import record_assignment
from ticketflow_sla.commands.clock_lifecycle import (
    apply_comment,
    apply_status_change,
    rematch_after_transfer,
    rematch_after_update,
    start_ticket_clocks,
)
from ticketflow_sla.settings import SlaSettings


def event_table(runtime: Runtime[SlaSettings]) -> EventTable:
    return {
        TicketCreated: start_ticket_clocks,
        TicketStatusChanged: apply_status_change,
        TicketCommented: apply_comment,
        TicketUpdated: rematch_after_update,
        TicketTransferred: rematch_after_transfer,
        TicketAssigned: record_assignment,
    }
