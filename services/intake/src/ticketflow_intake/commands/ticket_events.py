"""Emitting a ticket's event: the outbox row and its timeline entry, in the caller's commit;
while intake carries out an automation firing, every event it emits names the firing."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.events import TicketFacts
from ticketflow_common.events.common import AutomationCause
from ticketflow_common.outbox import emit
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.store.tickets import update_ticket
from ticketflow_intake.store.timeline import record

_CAUSE: ContextVar[AutomationCause | None] = ContextVar("automation_cause", default=None)


@contextmanager
def caused_by(cause: AutomationCause) -> Iterator[None]:
    """Within this block (one task's commands), every ticket event emitted carries `cause`:
    the change commands stay as they are, and none can forget it."""
    token = _CAUSE.set(cause)
    try:
        yield
    finally:
        _CAUSE.reset(token)


async def emit_ticket_event(*, conn: asyncpg.Connection, data: TicketFacts, now: datetime) -> None:
    """Emit the event keyed by its ticket and show it on the ticket's timeline at once."""
    cause = _CAUSE.get()
    if cause is not None and data.caused_by is None:
        data = data.model_copy(update={"caused_by": cause})
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
