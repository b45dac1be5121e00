"""Which bus events feed the queue read model and the live queue: ticket, routing and SLA
events, each applied to the console's projection in the inbox's transaction, then handed to the
live feed as the ticket's row once that transaction commits."""

from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.event_table import EventCommand, EventTable
from ticketflow_common.events.routing import TicketAssigned, TicketQueued, TicketUnassigned
from ticketflow_common.runtime import Runtime
from ticketflow_console.commands.live import LiveFeed, hear, live_feed
from ticketflow_console.commands.queue import TicketChange
from ticketflow_console.commands.queue_projection import (
    SLA_STATES,
    TICKET_EVENTS,
    Apply,
    project_assigned,
    project_clock,
    project_queued,
    project_ticket,
    project_unassigned,
)
from ticketflow_console.settings import ConsoleSettings


def event_table(runtime: Runtime[ConsoleSettings]) -> EventTable:
    feed = live_feed(runtime, buffer=runtime.settings.live_buffer)
    table: dict[Any, EventCommand] = {
        model: _heard(feed, project_ticket) for model in TICKET_EVENTS
    }
    table[TicketAssigned] = _heard(feed, project_assigned)
    table[TicketUnassigned] = _heard(feed, project_unassigned)
    table[TicketQueued] = _heard(feed, project_queued)
    for model in SLA_STATES:
        table[model] = _heard(feed, project_clock(model))
    return table


def _heard(feed: LiveFeed, apply: Apply) -> EventCommand:
    async def command(
        *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> None:
        projected = await apply(conn, event, now)
        if projected is not None:
            await hear(conn=conn, feed=feed, change=TicketChange(str(event.ticket_id), projected))

    return command
