"""SLA's reaction to ticket events: start the first-response clock."""

from datetime import UTC, datetime
from uuid import uuid4

import asyncpg

from sla.domain.policies import first_response_due
from sla.store.clocks import start_clock
from sla.store.policies import match_policy
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import SlaStarted, TicketCreated
from ticketflow_common.outbox import enqueue_event
from ticketflow_common.tracing import current_trace_carrier

SOURCE = "/ticketflow/sla"


async def on_ticket_created(
    conn: asyncpg.Connection, _envelope: Envelope, event: TicketCreated
) -> None:
    """Start the first-response clock from the first matching policy, counting from creation."""
    policy = await match_policy(conn=conn, priority=event.priority)
    if policy is None:
        return
    started_at = event.created_at
    due_at = first_response_due(started_at=started_at, target_seconds=policy.first_response_seconds)
    clock_id = uuid4()
    started = await start_clock(
        conn=conn,
        clock_id=clock_id,
        ticket_id=event.ticket_id,
        metric="first_response",
        policy=policy.name,
        target_seconds=policy.first_response_seconds,
        started_at=started_at,
        due_at=due_at,
        trace_carrier=current_trace_carrier(),
    )
    if not started:
        return
    data = SlaStarted(
        ticket_id=event.ticket_id,
        clock_id=clock_id,
        metric="first_response",
        policy=policy.name,
        target_seconds=policy.first_response_seconds,
        started_at=started_at,
        due_at=due_at,
    )
    now = datetime.now(UTC)
    envelope = new_event(data, source=SOURCE, subject=str(event.ticket_id), time=now)
    await enqueue_event(conn=conn, event=envelope, topic=data.topic, key=str(event.ticket_id))


HANDLERS = {TicketCreated.event_type: on_ticket_created}
