"""Intake's projections of the other services' events: every one of them on its ticket's
timeline, and from some of them the owner, the SLA breach flag and routing's teams."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.event_table import SetBasedCommand
from ticketflow_common.events import SlaBreached, TeamChanged, TicketAssigned, TicketUnassigned
from ticketflow_intake.domain.tickets import Owner
from ticketflow_intake.store.teams import apply_team
from ticketflow_intake.store.tickets import clear_owner, mark_sla_breached
from ticketflow_intake.store.timeline import (
    record_all_if_ticket,
    record_if_ticket,
    record_owner_if_ticket,
    record_owners_if_ticket,
)


def _ticket_of(envelope: Envelope) -> UUID | None:
    """The ticket an event is about: its subject, when that is a ticket id."""
    try:
        return UUID(envelope.subject)
    except ValueError:
        return None


async def _on_timeline(conn: asyncpg.Connection, envelope: Envelope) -> bool:
    """Add the event to its ticket's timeline; False when it concerns no ticket of ours."""
    ticket_id = _ticket_of(envelope)
    if ticket_id is None:
        return False
    return await record_if_ticket(conn=conn, ticket_id=ticket_id, event=envelope)


async def _record_one(
    *, conn: asyncpg.Connection, envelope: Envelope, event: EventData, now: datetime
) -> None:
    await _on_timeline(conn, envelope)


async def _record_all(
    *, conn: asyncpg.Connection, events: Sequence[tuple[Envelope, Any]], now: datetime
) -> None:
    entries = [(t, e) for e, _ in events if (t := _ticket_of(e)) is not None]
    if entries:
        await record_all_if_ticket(conn=conn, entries=entries)


record_on_timeline = SetBasedCommand(each=_record_one, together=_record_all)
"""Every event of a ticket of ours on its timeline; a batch's run of them in one statement."""


async def _project_one_assignment(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketAssigned, now: datetime
) -> None:
    owner = Owner.model_validate(event, from_attributes=True)
    await record_owner_if_ticket(conn=conn, ticket_id=event.ticket_id, event=envelope, owner=owner)


async def _project_assignments(
    *, conn: asyncpg.Connection, events: Sequence[tuple[Envelope, Any]], now: datetime
) -> None:
    await record_owners_if_ticket(
        conn=conn,
        entries=[
            (e.ticket_id, envelope, Owner.model_validate(e, from_attributes=True))
            for envelope, e in events
        ],
    )


project_assignment = SetBasedCommand(each=_project_one_assignment, together=_project_assignments)
"""Show the owner on the ticket as soon as routing has chosen one (one statement per run)."""


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
