"""Which bus events feed the live queue: ticket, routing and SLA events, each a change of one
ticket handed to the live feed once the inbox has recorded it."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.event_table import EventCommand, EventTable
from ticketflow_common.events.routing import TicketAssigned, TicketQueued, TicketUnassigned
from ticketflow_common.events.sla import (
    SlaBreached,
    SlaCancelled,
    SlaMet,
    SlaPaused,
    SlaRecalculated,
    SlaResumed,
    SlaStarted,
    SlaWarning,
)
from ticketflow_common.events.tickets import (
    TicketCreated,
    TicketEscalated,
    TicketStatusChanged,
    TicketTransferred,
    TicketUpdated,
)
from ticketflow_common.runtime import Runtime
from ticketflow_console.commands.live import LiveFeed, hear, live_feed
from ticketflow_console.commands.queue import TicketChange
from ticketflow_console.settings import ConsoleSettings

CHANGES_OF_A_TICKET = (
    TicketCreated,
    TicketUpdated,
    TicketStatusChanged,
    TicketTransferred,
    TicketEscalated,
    TicketQueued,
    SlaStarted,
    SlaPaused,
    SlaResumed,
    SlaWarning,
    SlaBreached,
    SlaMet,
    SlaCancelled,
    SlaRecalculated,
)


def event_table(runtime: Runtime[ConsoleSettings]) -> EventTable:
    feed = live_feed(runtime, buffer=runtime.settings.live_buffer)
    table: dict[Any, EventCommand] = {
        model: _heard(feed, lambda e: TicketChange(str(e.ticket_id), e.event_type))
        for model in CHANGES_OF_A_TICKET
    }
    table[TicketAssigned] = _heard(
        feed, lambda e: TicketChange(str(e.ticket_id), e.event_type, "assigned", str(e.agent_id))
    )
    table[TicketUnassigned] = _heard(
        feed, lambda e: TicketChange(str(e.ticket_id), e.event_type, "unassigned", str(e.agent_id))
    )
    return table


def _heard(feed: LiveFeed, change_of: Callable[[Any], TicketChange]) -> EventCommand:
    async def command(
        *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> None:
        await hear(conn=conn, feed=feed, change=change_of(event))

    return command
