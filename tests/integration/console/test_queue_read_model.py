"""The console's queue read model on real Postgres: events in any order across topics make the
same queue, routing decides the owner, older versions and cycles change nothing, and my queue
is only my open tickets in urgency order, a page at a time."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tests.support.schemas import fresh_schema
from ticketflow_common.events.routing import TicketAssigned, TicketUnassigned
from ticketflow_common.events.sla import SlaBreached, SlaMet, SlaStarted
from ticketflow_common.events.tickets import TicketCreated, TicketStatusChanged
from ticketflow_console.commands.queue_projection import (
    project_assigned,
    project_clock,
    project_ticket,
    project_unassigned,
)
from ticketflow_console.store.queue_tickets import queue_of_agent

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ME, OTHER = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    async with fresh_schema(database_url, "console") as (pool, _), pool.acquire() as connection:
        yield connection


def created(ticket_id: uuid.UUID, subject: str, priority: str = "normal") -> TicketCreated:
    return TicketCreated(
        ticket_id=ticket_id, priority=priority, required_skills=[], requester_id="u-1",
        subject=subject, created_at=T0,
    )  # fmt: skip


def assigned(ticket_id: uuid.UUID, agent: uuid.UUID) -> TicketAssigned:
    return TicketAssigned(
        ticket_id=ticket_id, agent_id=agent, agent_name="A", team="network", assigned_at=T0
    )


def started(ticket_id: uuid.UUID, metric: str, due_in: float, cycle: int = 1) -> SlaStarted:
    return SlaStarted(
        ticket_id=ticket_id, clock_id=uuid.uuid4(), metric=metric, policy="p", cycle=cycle,
        target_seconds=60, started_at=T0, due_at=T0 + timedelta(minutes=due_in),
    )  # fmt: skip


async def mine(conn: asyncpg.Connection, limit: int = 10, offset: int = 0) -> list[str]:
    return [
        t.subject for t in await queue_of_agent(conn=conn, agent_id=ME, limit=limit, offset=offset)
    ]


async def test_routing_and_sla_heard_before_the_ticket_still_make_its_row(
    conn: asyncpg.Connection,
) -> None:
    ticket = uuid.uuid4()
    async with conn.transaction():
        first = await project_assigned(conn, assigned(ticket, ME), T0)
        await project_clock(SlaStarted)(conn, started(ticket, "resolution", 30), T0)
        await project_ticket(conn, created(ticket, "VPN down", "urgent"), T0)
    assert first is not None
    assert first.owner == str(ME)
    assert first.previous_owner is None
    [row] = await queue_of_agent(conn=conn, agent_id=ME, limit=10, offset=0)
    assert (row.subject, row.priority, row.status) == ("VPN down", "urgent", "new")
    assert row.deadline is not None
    assert row.deadline.metric == "resolution"
    assert row.deadline.due_at == T0 + timedelta(minutes=30)


async def test_the_owner_is_routings_and_intakes_stale_copy_does_not_win(
    conn: asyncpg.Connection,
) -> None:
    ticket = uuid.uuid4()
    await project_ticket(conn, created(ticket, "Printer"), T0)
    await project_assigned(conn, assigned(ticket, OTHER), T0)
    moved = await project_assigned(conn, assigned(ticket, ME), T0)
    assert moved is not None
    assert (moved.previous_owner, moved.owner) == (str(OTHER), str(ME))
    stale = created(ticket, "Printer").model_copy(update={"assignee_id": OTHER, "version": 2})
    await project_ticket(conn, stale, T0)
    assert await mine(conn) == ["Printer"]
    away = TicketUnassigned(
        ticket_id=ticket, agent_id=OTHER, reason="transferred", unassigned_at=T0
    )
    await project_unassigned(conn, away, T0)  # not the owner any more: nothing changes
    assert await mine(conn) == ["Printer"]
    gone = await project_unassigned(conn, away.model_copy(update={"agent_id": ME}), T0)
    assert gone is not None
    assert (gone.previous_owner, gone.owner) == (str(ME), None)
    assert await mine(conn) == []


async def test_a_resolved_ticket_leaves_and_an_older_version_does_not_bring_it_back(
    conn: asyncpg.Connection,
) -> None:
    ticket = uuid.uuid4()
    await project_ticket(conn, created(ticket, "Laptop"), T0)
    await project_assigned(conn, assigned(ticket, ME), T0)
    resolved = TicketStatusChanged(
        ticket_id=ticket, status="resolved", priority="normal", required_skills=[],
        requester_id="u-1", version=3, previous_status="open", actor_id="a", actor_role="agent",
        changed_at=T0,
    )  # fmt: skip
    after = await project_ticket(conn, resolved, T0)
    assert after is not None
    assert not after.is_open
    older = resolved.model_copy(update={"status": "open", "version": 2})
    await project_ticket(conn, older, T0)
    assert await mine(conn) == []


async def test_the_next_deadline_is_the_earliest_clock_still_counting(
    conn: asyncpg.Connection,
) -> None:
    ticket = uuid.uuid4()
    await project_ticket(conn, created(ticket, "Mail"), T0)
    await project_assigned(conn, assigned(ticket, ME), T0)
    await project_clock(SlaStarted)(conn, started(ticket, "first_response", 10), T0)
    await project_clock(SlaStarted)(conn, started(ticket, "resolution", 60), T0)
    met = SlaMet(
        ticket_id=ticket, clock_id=uuid.uuid4(), metric="first_response", policy="p",
        due_at=T0 + timedelta(minutes=10), met_at=T0,
    )  # fmt: skip
    row = await project_clock(SlaMet)(conn, met, T0)
    assert row is not None
    assert row.row.deadline is not None
    assert row.row.deadline.metric == "resolution"
    breached = SlaBreached(
        ticket_id=ticket, clock_id=uuid.uuid4(), metric="resolution", policy="p",
        due_at=T0 + timedelta(minutes=60), fired_at=T0,
    )  # fmt: skip
    row = await project_clock(SlaBreached)(conn, breached, T0)
    assert row is not None
    assert row.row.deadline is not None
    assert row.row.deadline.breached
    old_cycle = started(ticket, "resolution", 5).model_copy(update={"cycle": 0})
    row = await project_clock(SlaStarted)(conn, old_cycle, T0)
    assert row is not None
    assert row.row.deadline is not None
    assert row.row.deadline.due_at == T0 + timedelta(minutes=60)


async def test_my_queue_is_mine_only_in_urgency_order_a_page_at_a_time(
    conn: asyncpg.Connection,
) -> None:
    plan = [
        ("late", 90, "low"),
        ("none", None, "urgent"),
        ("soon", 5, "normal"),
        ("mid", 30, "high"),
    ]
    for subject, due_in, priority in plan:
        ticket = uuid.uuid4()
        await project_ticket(conn, created(ticket, subject, priority), T0)
        await project_assigned(conn, assigned(ticket, ME), T0)
        if due_in is not None:
            await project_clock(SlaStarted)(conn, started(ticket, "resolution", due_in), T0)
    theirs = uuid.uuid4()
    await project_ticket(conn, created(theirs, "not mine", "urgent"), T0)
    await project_assigned(conn, assigned(theirs, OTHER), T0)
    assert await mine(conn) == ["soon", "mid", "late", "none"]
    assert await mine(conn, limit=2, offset=2) == ["late", "none"]
