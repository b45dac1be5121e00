"""Intake's projections of the other services' events: every one of them on its ticket's
timeline, and from some of them the owner, the SLA breach flag and routing's teams."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.events import SlaBreached, TeamChanged, TicketAssigned, TicketUnassigned
from ticketflow_intake.domain.tickets import Owner
from ticketflow_intake.store.teams import apply_team
from ticketflow_intake.store.tickets import clear_owner, mark_sla_breached
from ticketflow_intake.store.timeline import record_if_ticket, record_owner_if_ticket


async def _on_timeline(conn: asyncpg.Connection, envelope: Envelope) -> bool:
    """Add the event to its ticket's timeline; False when it concerns no ticket of ours."""
    try:
        ticket_id = UUID(envelope.subject)
    except ValueError:
        return False
    return await record_if_ticket(conn=conn, ticket_id=ticket_id, event=envelope)


async def record_on_timeline(
    *, conn: asyncpg.Connection, envelope: Envelope, event: EventData, now: datetime
) -> None:
    await _on_timeline(conn, envelope)


async def project_assignment(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketAssigned, now: datetime
) -> None:
    """Show the owner on the ticket as soon as routing has chosen one (one statement)."""
    owner = Owner.model_validate(event, from_attributes=True)
    await record_owner_if_ticket(conn=conn, ticket_id=event.ticket_id, event=envelope, owner=owner)


async def project_unassignment(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketUnassigned, now: datetime
) -> None:
    if await _on_timeline(conn, envelope):
        await clear_owner(
            conn=conn, ticket_id=event.ticket_id, agent_id=event.agent_id, at=event.unassigned_at
        )


async def project_sla_breach(
    *, conn: asyncpg.Connection, envelope: Envelope, event: SlaBreached, now: datetime
) -> None:
    if await _on_timeline(conn, envelope):
        await mark_sla_breached(conn=conn, ticket_id=UUID(envelope.subject))


async def project_team(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TeamChanged, now: datetime
) -> None:
    """Learn routing's teams, so that a transfer names one that exists."""
    await apply_team(
        conn=conn,
        team=event.team,
        name=event.name,
        version=event.version,
        archived=event.archived,
        changed_at=event.changed_at,
    )
