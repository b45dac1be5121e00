"""What knowledge does with each ticket event it consumes: it keeps the tickets it may learn a
solution from, and suggests answers to new ones."""

from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope
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
    settings = runtime.settings

    async def ticket_created(
        *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated, now: datetime
    ) -> None:
        del envelope
        await on_ticket_created(
            conn=conn,
            event=event,
            now=now,
            limit=settings.suggestion_limit,
            min_score=settings.suggestion_min_score,
        )

    return {
        TicketCreated: ticket_created,
        TicketStatusChanged: solutions.on_status_changed,
        TicketSolutionMarked: solutions.on_solution_marked,
        TicketUpdated: solutions.on_ticket_updated,
    }
