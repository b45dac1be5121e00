"""What knowledge does with each ticket event it consumes: it keeps the tickets it may learn a
solution from, and suggests answers to new ones."""

from ticketflow_common.event_table import EventTable
from ticketflow_common.events import (
    TicketCreated,
    TicketSolutionMarked,
    TicketStatusChanged,
    TicketUpdated,
)
from ticketflow_common.runtime import Runtime
from ticketflow_knowledge.commands import solutions
from ticketflow_knowledge.commands.ticket_created import on_ticket_created
from ticketflow_knowledge.settings import KnowledgeSettings


def event_table(runtime: Runtime[KnowledgeSettings]) -> EventTable:
    return {
        TicketCreated: on_ticket_created,
        TicketStatusChanged: solutions.on_status_changed,
        TicketSolutionMarked: solutions.on_solution_marked,
        TicketUpdated: solutions.on_ticket_updated,
    }
