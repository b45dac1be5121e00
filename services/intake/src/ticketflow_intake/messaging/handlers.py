"""Intake's projections of other services' events: owner, SLA state, teams and the timeline."""

from uuid import UUID

import asyncpg

from ticketflow_common import topics
from ticketflow_common.consumer import Handler
from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.events import EVENT_MODELS, TeamChanged, TicketAssigned, TicketUnassigned
from ticketflow_intake.domain.tickets import Owner
from ticketflow_intake.store.teams import apply_team
from ticketflow_intake.store.tickets import clear_owner, mark_sla_breached, set_owner, ticket_exists
from ticketflow_intake.store.timeline import record


async def _on_timeline(conn: asyncpg.Connection, envelope: Envelope) -> bool:
    """Add the event to its ticket's timeline; False when it concerns no ticket of ours."""
    try:
        ticket_id = UUID(envelope.subject)
    except ValueError:
        return False
    if not await ticket_exists(conn=conn, ticket_id=ticket_id):
        return False
    await record(
        conn=conn,
        ticket_id=ticket_id,
        event_id=envelope.id,
        event_type=envelope.type,
        source=envelope.source,
        occurred_at=envelope.time,
        data=envelope.data,
    )
    return True


async def on_other_service_event(
    conn: asyncpg.Connection, envelope: Envelope, _event: EventData
) -> None:
    await _on_timeline(conn, envelope)


async def on_ticket_assigned(
    conn: asyncpg.Connection, envelope: Envelope, event: TicketAssigned
) -> None:
    """Show the owner on the ticket as soon as routing has chosen one."""
    if not await _on_timeline(conn, envelope):
        return
    await set_owner(
        conn=conn,
        ticket_id=event.ticket_id,
        owner=Owner(
            agent_id=event.agent_id,
            agent_name=event.agent_name,
            team=event.team,
            assigned_at=event.assigned_at,
        ),
    )


async def on_ticket_unassigned(
    conn: asyncpg.Connection, envelope: Envelope, event: TicketUnassigned
) -> None:
    if await _on_timeline(conn, envelope):
        await clear_owner(
            conn=conn, ticket_id=event.ticket_id, agent_id=event.agent_id, at=event.unassigned_at
        )


async def on_sla_breached(conn: asyncpg.Connection, envelope: Envelope, _event: EventData) -> None:
    if await _on_timeline(conn, envelope):
        await mark_sla_breached(conn=conn, ticket_id=UUID(envelope.subject))


async def on_team_changed(
    conn: asyncpg.Connection, _envelope: Envelope, event: TeamChanged
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


def _handlers() -> dict[str, Handler]:
    projected = {topics.ROUTING, topics.SLA, topics.NOTIFY}
    handlers: dict[str, Handler] = {
        event_type: on_other_service_event
        for event_type, model in EVENT_MODELS.items()
        if model.topic in projected
    }
    handlers["ticket.assigned"] = on_ticket_assigned
    handlers["ticket.unassigned"] = on_ticket_unassigned
    handlers["sla.breached"] = on_sla_breached
    handlers["team.changed"] = on_team_changed
    return handlers


HANDLERS = _handlers()
