"""Publishing a ticket's events: the outbox row and the timeline entry, in the caller's commit."""

from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.envelope import new_event
from ticketflow_common.events import TicketFacts
from ticketflow_common.outbox import enqueue_event
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.store.timeline import record

SOURCE = "/ticketflow/intake"


def facts(ticket: Ticket) -> dict[str, Any]:
    """The `TicketFacts` fields of a ticket, as every ticket event carries them."""
    return {
        "ticket_id": ticket.id,
        "status": ticket.status,
        "priority": ticket.priority,
        "category": ticket.category,
        "team": ticket.team,
        "channel": ticket.channel,
        "language": ticket.language,
        "required_skills": ticket.required_skills,
        "requester_id": ticket.requester.id,
        "requester_tier": ticket.requester.tier,
        "assignee_id": ticket.owner.agent_id if ticket.owner else None,
        "version": ticket.version,
    }


async def emit(*, conn: asyncpg.Connection, data: TicketFacts, now: datetime) -> None:
    event = new_event(data, source=SOURCE, subject=str(data.ticket_id), time=now)
    await enqueue_event(conn=conn, event=event, topic=data.topic, key=str(data.ticket_id))
    await record(
        conn=conn,
        ticket_id=data.ticket_id,
        event_id=event.id,
        event_type=event.type,
        source=event.source,
        occurred_at=event.time,
        data=event.data,
    )
