"""Ticket facts from intake's and routing's events: each event upserts what it knows and the
ticket's derived columns are recomputed from all its changes, so arrival order does not matter.

Instants come from the events, never from the clock: a rebuild reproduces live ingestion."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import (
    TicketAssigned,
    TicketCommented,
    TicketCreated,
    TicketEscalated,
    TicketFacts,
    TicketFeedbackReceived,
    TicketQueued,
    TicketStatusChanged,
    TicketTransferred,
    TicketUnassigned,
    TicketUpdated,
)
from ticketflow_insights.commands.metrics import INSIGHTS_ARRIVALS
from ticketflow_insights.domain.arrivals import dimension_value, interval_start
from ticketflow_insights.domain.ticket_timeline import (
    OwnershipChange,
    StatusChange,
    derive_timeline,
)
from ticketflow_insights.store import facts_tickets as store

_DEFERRED: ContextVar[set[UUID] | None] = ContextVar("insights_deferred_refresh", default=None)


@contextmanager
def deferred_refresh() -> Iterator[set[UUID]]:
    """Within it, handlers note the tickets to recompute instead of recomputing each at once:
    a rebuild recomputes every ticket of a batch in one go (the end state is the same)."""
    pending: set[UUID] = set()
    token = _DEFERRED.set(pending)
    try:
        yield pending
    finally:
        _DEFERRED.reset(token)


async def refresh_tickets(*, conn: asyncpg.Connection, ticket_ids: Sequence[UUID]) -> None:
    """Recompute status, dwell, resolution, owner and handling time from all known changes."""
    if not ticket_ids:
        return
    statuses, ownerships = await store.changes_of(conn=conn, ticket_ids=ticket_ids)
    timelines = {t: derive_timeline(statuses[t], ownerships[t]) for t in ticket_ids}
    await store.store_timelines(conn=conn, timelines=timelines)


async def _refresh(conn: asyncpg.Connection, ticket_id: UUID) -> None:
    pending = _DEFERRED.get()
    if pending is not None:
        pending.add(ticket_id)
        return
    await refresh_tickets(conn=conn, ticket_ids=[ticket_id])


async def _dimensions(conn: asyncpg.Connection, event: TicketFacts, at: datetime) -> None:
    await store.upsert_ticket_dimensions(
        conn=conn,
        ticket_id=event.ticket_id,
        version=event.version,
        team=event.team,
        channel=event.channel,
        category=event.category,
        priority=event.priority,
        language=event.language,
        requester_id=event.requester_id,
        assignee_id=event.assignee_id,
        at=at,
    )


async def ingest_ticket_created(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated, now: datetime
) -> None:
    """A ticket row, its first status, and one arrival in its 15-minute bucket."""
    await _dimensions(conn, event, event.created_at)
    await store.set_created_at(conn=conn, ticket_id=event.ticket_id, created_at=event.created_at)
    first = StatusChange(
        at=event.created_at, version=event.version, event_id=envelope.id, status=event.status
    )
    await store.record_status_change(conn=conn, ticket_id=event.ticket_id, change=first)
    team = dimension_value(event.team)
    await store.add_arrival(
        conn=conn,
        interval_start=interval_start(event.created_at),
        team=team,
        channel=event.channel,
        category=dimension_value(event.category),
        priority=event.priority,
    )
    after_commit(conn, INSIGHTS_ARRIVALS.labels(team, event.channel).inc)
    await _refresh(conn, event.ticket_id)


def _changed_at(event: TicketUpdated | TicketTransferred | TicketEscalated) -> datetime:
    if isinstance(event, TicketUpdated):
        return event.updated_at
    if isinstance(event, TicketTransferred):
        return event.transferred_at
    return event.escalated_at


async def ingest_ticket_changed(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: TicketUpdated | TicketTransferred | TicketEscalated,
    now: datetime,
) -> None:
    """Team, priority or category changed: the newest version's dimensions stand."""
    await _dimensions(conn, event, _changed_at(event))
    await _refresh(conn, event.ticket_id)


async def ingest_status_changed(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketStatusChanged, now: datetime
) -> None:
    await _dimensions(conn, event, event.changed_at)
    change = StatusChange(
        at=event.changed_at,
        version=event.version,
        event_id=envelope.id,
        status=event.status,
        reopened=event.reopened,
        assignee_id=event.assignee_id,
    )
    await store.record_status_change(conn=conn, ticket_id=event.ticket_id, change=change)
    await _refresh(conn, event.ticket_id)


def _agent_uuid(author_id: str) -> UUID | None:
    try:
        return UUID(author_id)
    except ValueError:
        return None


async def ingest_commented(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCommented, now: datetime
) -> None:
    """The first response (the earliest stands) and the count of public agent replies."""
    await _dimensions(conn, event, event.commented_at)
    if event.first_response:
        await store.record_first_response(
            conn=conn,
            ticket_id=event.ticket_id,
            at=event.commented_at,
            responder_id=_agent_uuid(event.author_id),
        )
    if event.public and event.author_role == "agent":
        await store.count_agent_reply(conn=conn, ticket_id=event.ticket_id)
    await _refresh(conn, event.ticket_id)


async def ingest_feedback(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketFeedbackReceived, now: datetime
) -> None:
    await _dimensions(conn, event, event.received_at)
    await store.record_csat(
        conn=conn, ticket_id=event.ticket_id, rating=event.rating, at=event.received_at
    )
    await _refresh(conn, event.ticket_id)


async def _ownership(conn: asyncpg.Connection, ticket_id: UUID, change: OwnershipChange) -> None:
    await store.ensure_ticket(conn=conn, ticket_id=ticket_id)
    await store.record_ownership_change(conn=conn, ticket_id=ticket_id, change=change)
    await _refresh(conn, ticket_id)


async def ingest_assigned(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketAssigned, now: datetime
) -> None:
    change = OwnershipChange(
        at=event.assigned_at,
        event_id=envelope.id,
        kind="assigned",
        agent_id=event.agent_id,
        team=event.team,
    )
    await _ownership(conn, event.ticket_id, change)


async def ingest_queued(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketQueued, now: datetime
) -> None:
    change = OwnershipChange(
        at=event.queued_at,
        event_id=envelope.id,
        kind="queued",
        team=event.team,
        queue_position=event.position,
    )
    await _ownership(conn, event.ticket_id, change)


async def ingest_unassigned(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketUnassigned, now: datetime
) -> None:
    change = OwnershipChange(
        at=event.unassigned_at,
        event_id=envelope.id,
        kind="unassigned",
        agent_id=event.agent_id,
        team=event.team,
    )
    await _ownership(conn, event.ticket_id, change)
