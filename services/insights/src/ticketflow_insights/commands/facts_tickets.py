"""Ticket facts from intake's and routing's events: each event upserts what it knows and the
ticket's derived columns are recomputed from all its changes, so arrival order does not matter.

Instants come from the events, never from the clock: a rebuild reproduces live ingestion."""

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
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
from ticketflow_insights.store.facts_batch import Queue, batched_statements, flush_statements


@dataclass
class Deferred:
    """Work a batch of events does once at its end instead of once per event."""

    tickets: set[UUID] = field(default_factory=set)
    arrivals: Counter[store.ArrivalKey] = field(default_factory=Counter)
    statements: Queue = field(default_factory=dict)


_DEFERRED: ContextVar[Deferred | None] = ContextVar("insights_deferred_facts", default=None)


@contextmanager
def deferred_facts() -> Iterator[Deferred]:
    """Within it, handlers note the tickets to recompute and the arrivals to add instead of
    writing them at once, and the store queues its statements (`store/facts_batch.py`): a
    rebuild writes a batch's in one go (the end state is the same)."""
    with batched_statements() as statements:
        pending = Deferred(statements=statements)
        token = _DEFERRED.set(pending)
        try:
            yield pending
        finally:
            _DEFERRED.reset(token)


async def flush_deferred(*, conn: asyncpg.Connection, deferred: Deferred) -> None:
    """The batch's queued statements, its arrivals, then its tickets recomputed."""
    await flush_statements(conn, deferred.statements)
    if deferred.arrivals:
        await store.add_arrivals(conn=conn, counts=deferred.arrivals)
    await refresh_tickets(conn=conn, ticket_ids=sorted(deferred.tickets))


async def refresh_tickets(*, conn: asyncpg.Connection, ticket_ids: Sequence[UUID]) -> None:
    """Recompute status, dwell, resolution, owner and handling time from all known changes.

    The rows are locked first: a concurrent transaction logging a change of the same ticket
    (another partition, another replica) recomputes after this one, and sees its changes."""
    if not ticket_ids:
        return
    await store.lock_tickets(conn=conn, ticket_ids=ticket_ids)
    statuses, ownerships = await store.changes_of(conn=conn, ticket_ids=ticket_ids)
    timelines = {t: derive_timeline(statuses[t], ownerships[t]) for t in ticket_ids}
    await store.store_timelines(conn=conn, timelines=timelines)


async def _refresh(conn: asyncpg.Connection, ticket_id: UUID) -> None:
    pending = _DEFERRED.get()
    if pending is not None:
        pending.tickets.add(ticket_id)
        return
    await refresh_tickets(conn=conn, ticket_ids=[ticket_id])


async def _add_arrival(conn: asyncpg.Connection, key: store.ArrivalKey) -> None:
    pending = _DEFERRED.get()
    if pending is not None:
        pending.arrivals[key] += 1
        return
    await store.add_arrivals(conn=conn, counts={key: 1})


async def _apply(conn: asyncpg.Connection, event: TicketFacts, at: datetime, **extra: Any) -> None:
    """The event's facts in one statement, then the ticket recomputed."""
    facts = store.TicketEventFacts(
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
        **extra,
    )
    await store.apply_ticket_event(conn=conn, facts=facts)
    await _refresh(conn, event.ticket_id)


async def ingest_ticket_created(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated, now: datetime
) -> None:
    """A ticket row, its first status, and one arrival in its 15-minute bucket."""
    first = StatusChange(
        at=event.created_at, version=event.version, event_id=envelope.id, status=event.status
    )
    team = dimension_value(event.team)
    bucket = interval_start(event.created_at)
    key = (bucket, team, event.channel, dimension_value(event.category), event.priority)
    await _add_arrival(conn, key)
    after_commit(conn, INSIGHTS_ARRIVALS.labels(team, event.channel).inc)
    await _apply(conn, event, event.created_at, created_at=event.created_at, status_change=first)


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
    await _apply(conn, event, _changed_at(event))


async def ingest_status_changed(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketStatusChanged, now: datetime
) -> None:
    change = StatusChange(
        at=event.changed_at,
        version=event.version,
        event_id=envelope.id,
        status=event.status,
        reopened=event.reopened,
        assignee_id=event.assignee_id,
    )
    await _apply(conn, event, event.changed_at, status_change=change)


def _agent_uuid(author_id: str) -> UUID | None:
    try:
        return UUID(author_id)
    except ValueError:
        return None


async def ingest_commented(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCommented, now: datetime
) -> None:
    """The first response (the earliest stands) and the count of public agent replies."""
    first = event.first_response
    await _apply(
        conn,
        event,
        event.commented_at,
        first_response_at=event.commented_at if first else None,
        first_responder_id=_agent_uuid(event.author_id) if first else None,
        agent_replies=int(event.public and event.author_role == "agent"),
    )


async def ingest_feedback(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketFeedbackReceived, now: datetime
) -> None:
    """The latest rating stands."""
    await _apply(
        conn, event, event.received_at, csat_rating=event.rating, csat_at=event.received_at
    )


async def _ownership(conn: asyncpg.Connection, ticket_id: UUID, change: OwnershipChange) -> None:
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
