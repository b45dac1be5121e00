"""Emitting a ticket's event: the outbox row and its timeline entry, in the caller's commit."""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.events import TicketFacts
from ticketflow_common.outbox import emit
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.store.tickets import update_ticket
from ticketflow_intake.store.timeline import record


async def emit_ticket_event(*, conn: asyncpg.Connection, data: TicketFacts, now: datetime) -> None:
    """Emit the event keyed by its ticket and show it on the ticket's timeline at once."""
    event = await emit(conn, data, subject=str(data.ticket_id), now=now)
    await record(conn=conn, ticket_id=data.ticket_id, event=event)


async def apply_change(
    *,
    conn: asyncpg.Connection,
    ticket: Ticket,
    changes: Mapping[str, Any],
    event: Callable[[Ticket], TicketFacts],
    now: datetime,
) -> Ticket:
    """Apply `changes` (a new version), then emit the event `event` reports the changed
    ticket by."""
    changed = await update_ticket(conn=conn, ticket_id=ticket.id, changes=changes, now=now)
    await emit_ticket_event(conn=conn, data=event(changed), now=now)
    return changed
