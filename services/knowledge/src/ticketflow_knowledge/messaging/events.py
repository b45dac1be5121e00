"""What knowledge does with each ticket event it consumes: it keeps the tickets it may learn a
solution from, and suggests answers to new ones."""

from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.event_table import EventTable
from ticketflow_common.events import TicketCreated
from ticketflow_common.runtime import Runtime
from ticketflow_knowledge.commands.suggestions import suggest_for_ticket
from ticketflow_knowledge.settings import KnowledgeSettings


def event_table(runtime: Runtime[KnowledgeSettings]) -> EventTable:
    settings = runtime.settings

    async def on_ticket_created(
        *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated, now: datetime
    ) -> None:
        """Suggestions branch only: the lead merges this into commands/ticket_created.py."""
        del envelope
        await suggest_for_ticket(
            conn=conn,
            ticket=event,
            now=now,
            limit=settings.suggestion_limit,
            min_score=settings.suggestion_min_score,
        )

    return {TicketCreated: on_ticket_created}
