"""Routing against the real Postgres: choice, explanation, queues, versions, hand-backs."""

from datetime import time, timedelta

import asyncpg
import pytest

from tests.integration.routing.conftest import (
    POLICY,
    AddAgent,
    FakeIntake,
    RoutingHarness,
    events_of,
    loads,
    owner_of,
)
from ticketflow_routing.commands.agent_status import change_status
from ticketflow_routing.commands.drain import sweep_queues
from ticketflow_routing.commands.pickups import hand_on_due_pickup
from ticketflow_routing.commands.shifts import apply_due_shift_change
from ticketflow_routing.store.teams import put_team

pytestmark = pytest.mark.integration


async def test_best_agent_gets_it_with_score_alternatives_and_exclusions(
    routing_pool: asyncpg.Pool, intake: FakeIntake, add_agent: AddAgent
) -> None:
    expert = await add_agent("expert", skills=[{"name": "vpn", "proficiency": 5}])
    novice = await add_agent("novice", skills=[{"name": "vpn", "proficiency": 1}])
    await add_agent("no-vpn", skills=["printers"])
    await add_agent("french", languages=["fr"])
    away = await add_agent("away", status="away")
    ticket = intake.created(skills=["vpn"], team="net")
    assert await intake.send(ticket)

    assert await owner_of(routing_pool, ticket.ticket_id) == expert.id
    [assigned] = await events_of(routing_pool, ticket.ticket_id)
    data = assigned["data"]
    assert assigned["type"] == "ticket.assigned"
    assert data["strategy"] == "skills_load"
    assert data["score"]["agent_id"] == str(expert.id)
    assert data["score"]["proficiency"] == 1.0
    assert [a["agent_id"] for a in data["alternatives"]] == [str(novice.id)]
    reasons = {e["agent_name"]: e["reasons"] for e in data["exclusions"]}
    assert reasons["no-vpn"] == ["lacks skill vpn"]
    assert reasons["french"] == ["does not speak en"]
    assert reasons["away"] == ["status away"]
    assert away.id not in {a["agent_id"] for a in data["alternatives"]}


async def test_full_team_queues_by_priority_and_drains_when_capacity_frees(
    routing_pool: asyncpg.Pool, intake: FakeIntake, add_agent: AddAgent
) -> None:
    await add_agent("solo", capacity=1)
    first = intake.created(skills=["vpn"], team="net")
    await intake.send(first)
    low = intake.created(skills=["vpn"], team="net", priority="low")
    await intake.send(low)
    intake.tick()
    urgent = intake.created(skills=["vpn"], team="net", priority="urgent")
    await intake.send(urgent)

    queued = [(await events_of(routing_pool, t.ticket_id))[-1]["data"] for t in (low, urgent)]
    assert [q["position"] for q in queued] == [1, 1]  # urgent jumped ahead of low
    intake.tick(60)
    await intake.send(intake.status(first.ticket_id, "resolved"))

    assert await owner_of(routing_pool, urgent.ticket_id) is not None
    assert await owner_of(routing_pool, low.ticket_id) is None
    assert await loads(routing_pool) == {"solo": (1, 1)}
    async with routing_pool.acquire() as conn:
        learned = await conn.fetchval("SELECT resolved FROM handling_stats")
    assert learned is None  # no category on that ticket: nothing to learn


async def test_old_and_repeated_events_never_regress_the_projection(
    routing_pool: asyncpg.Pool, intake: FakeIntake, add_agent: AddAgent
) -> None:
    await add_agent("a", capacity=5)
    created = intake.created(skills=["vpn"])
    resolved = intake.status(created.ticket_id, "resolved")
    assert await intake.send(resolved)  # arrives first
    assert not await intake.send(created)
    assert not await intake.send(resolved)
    assert await owner_of(routing_pool, created.ticket_id) is None

    other = intake.created(skills=["vpn"])
    raised = intake.updated(other.ticket_id, priority="urgent")
    assert await intake.send(raised)
    assert not await intake.send(other)
    async with routing_pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT version, priority FROM tickets WHERE ticket_id = $1", other.ticket_id
        )
    assert dict(row) == {"version": 2, "priority": "urgent"}
    assert await loads(routing_pool) == {"a": (1, 1)}


async def test_agent_going_away_hands_back_only_unstarted_tickets(
    routing_pool: asyncpg.Pool, intake: FakeIntake, add_agent: AddAgent
) -> None:
    leaving = await add_agent("leaving", capacity=2)
    started, waiting = intake.created(skills=["vpn"]), intake.created(skills=["vpn"])
    await intake.send(started)
    await intake.send(waiting)
    await intake.send(intake.status(started.ticket_id, "in_progress"))
    staying = await add_agent("staying", capacity=2)

    async with routing_pool.acquire() as conn, conn.transaction():
        await change_status(
            conn=conn, agent_id=leaving.id, status="away", now=intake.now, policy=POLICY
        )
    async with routing_pool.acquire() as conn:
        while await hand_on_due_pickup(conn=conn, now=intake.now, policy=POLICY):
            pass

    assert await owner_of(routing_pool, started.ticket_id) == leaving.id
    assert await owner_of(routing_pool, waiting.ticket_id) == staying.id
    types = [e["type"] for e in await events_of(routing_pool, waiting.ticket_id)]
    assert types == ["ticket.assigned", "ticket.unassigned", "ticket.assigned"]
    assert await loads(routing_pool) == {"leaving": (1, 1), "staying": (1, 1)}


async def test_pickup_timeout_moves_the_ticket_or_keeps_it_when_nobody_else_can(
    routing_pool: asyncpg.Pool, intake: FakeIntake, add_agent: AddAgent
) -> None:
    slow = await add_agent("slow")
    ticket = intake.created(skills=["vpn"], priority="urgent")
    await intake.send(ticket)
    async with routing_pool.acquire() as conn:
        assert not await hand_on_due_pickup(conn=conn, now=intake.tick(59), policy=POLICY)
        assert await hand_on_due_pickup(conn=conn, now=intake.tick(2), policy=POLICY)
    assert await owner_of(routing_pool, ticket.ticket_id) == slow.id  # nobody else: kept
    async with routing_pool.acquire() as conn:
        due = await conn.fetchval("SELECT due_at FROM pickup_timers")
    assert due == intake.now + timedelta(seconds=60)

    other = await add_agent("other")
    async with routing_pool.acquire() as conn:
        assert await hand_on_due_pickup(conn=conn, now=intake.tick(61), policy=POLICY)
    assert await owner_of(routing_pool, ticket.ticket_id) == other.id
    last = (await events_of(routing_pool, ticket.ticket_id))[-1]["data"]
    assert last["previous_agent_id"] == str(slow.id)
    assert last["reason"] == "reassigned"


async def test_reopened_ticket_returns_to_its_previous_owner(
    routing_pool: asyncpg.Pool, intake: FakeIntake, add_agent: AddAgent
) -> None:
    first = await add_agent("first")
    ticket = intake.created(skills=["vpn"], category="network")
    await intake.send(ticket)
    await add_agent("second")
    await intake.send(intake.status(ticket.ticket_id, "resolved"))
    await intake.send(intake.status(ticket.ticket_id, "open", reopened=True))
    assert await owner_of(routing_pool, ticket.ticket_id) == first.id
    last = (await events_of(routing_pool, ticket.ticket_id))[-1]["data"]
    assert (last["reason"], last["strategy"]) == ("reopened", "previous_owner")
    async with routing_pool.acquire() as conn:
        learned = await conn.fetchval(
            "SELECT resolved FROM handling_stats WHERE agent_id = $1 AND category = 'network'",
            first.id,
        )
    assert learned == 1


async def test_transfer_unassigns_and_routes_within_the_new_team(
    routing_pool: asyncpg.Pool, intake: FakeIntake, add_agent: AddAgent
) -> None:
    net = await add_agent("net-agent", team="net")
    desk = await add_agent("desk-agent", team="desk")
    ticket = intake.created(skills=["vpn"], team="net")
    await intake.send(ticket)
    assert await owner_of(routing_pool, ticket.ticket_id) == net.id
    await intake.send(intake.transferred(ticket.ticket_id, "desk"))
    assert await owner_of(routing_pool, ticket.ticket_id) == desk.id
    unassigned = (await events_of(routing_pool, ticket.ticket_id))[1]
    assert unassigned["type"] == "ticket.unassigned"
    assert unassigned["data"]["reason"] == "transferred"
    assert await loads(routing_pool) == {"net-agent": (0, 0), "desk-agent": (1, 1)}


async def test_round_robin_team_and_shift_start_takes_from_the_queue(
    routing_pool: asyncpg.Pool, intake: FakeIntake, add_agent: AddAgent
) -> None:
    async with routing_pool.acquire() as conn:
        await put_team(
            conn=conn, team_id="net", name="Net", lead_agent_id=None, strategy="round_robin"
        )
    later = [{"days": ["mon"], "start": time(10), "end": time(18)}]  # starts at 10:00 UTC
    night = await add_agent("night-owl", shifts=later, capacity=5)
    early = await add_agent("early", capacity=5)
    tickets = [intake.created(skills=["vpn"], team="net") for _ in range(2)]
    await add_agent("also-early", capacity=5)
    for t in tickets:
        intake.tick()
        await intake.send(t)
    owners = {await owner_of(routing_pool, t.ticket_id) for t in tickets}
    assert len(owners) == 2  # round robin spreads them
    assert night.id not in owners
    assert early.id in owners

    await intake.send(intake.updated(tickets[0].ticket_id, status="in_progress"))
    queued = intake.created(skills=["vpn", "ipsec"], team="net")
    await intake.send(queued)
    assert await owner_of(routing_pool, queued.ticket_id) is None
    async with routing_pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE agents SET skills = skills || '{ipsec}', skill_levels = skill_levels ||"
            " '{\"ipsec\": 4}', routing_keys = routing_keys || '{ipsec}' WHERE id = $1",
            night.id,
        )
    intake.now = intake.now.replace(hour=10)
    async with routing_pool.acquire() as conn:
        assert await apply_due_shift_change(conn=conn, now=intake.now, policy=POLICY)
    assert await owner_of(routing_pool, queued.ticket_id) == night.id


async def test_queue_sweep_assigns_when_capacity_appeared_unannounced(
    routing_pool: asyncpg.Pool, intake: FakeIntake, add_agent: AddAgent
) -> None:
    full = await add_agent("full", capacity=0)
    ticket = intake.created(skills=["vpn"])
    await intake.send(ticket)
    async with routing_pool.acquire() as conn:
        assert await sweep_queues(conn=conn, now=intake.now, policy=POLICY, limit=10) == 0
        await conn.execute("UPDATE agents SET capacity = 1 WHERE id = $1", full.id)
        assert await sweep_queues(conn=conn, now=intake.now, policy=POLICY, limit=10) == 1
    assert await owner_of(routing_pool, ticket.ticket_id) == full.id


async def test_a_fetch_of_ticket_events_assigns_as_one_event_at_a_time_would(
    routing: RoutingHarness, intake: FakeIntake, add_agent: AddAgent
) -> None:
    """A run of ticket events in one call: the new tickets inserted together, each assigned
    once; a ticket updated in the same fetch keeps its update; a resolved one arriving before
    its creation, and a creation already known, change nothing."""
    await add_agent("a", capacity=5)
    pool = routing.pool
    first, second = intake.created(skills=["vpn"]), intake.created(skills=["vpn"])
    raised = intake.updated(first.ticket_id, priority="urgent")
    early = intake.created(skills=["vpn"])
    resolved = intake.status(early.ticket_id, "resolved")
    known = intake.created(skills=["vpn"])
    assert await intake.send(known)

    await routing.deliver_together(
        [(e, str(e.ticket_id)) for e in (first, second, raised, resolved, early, known)]
    )

    for ticket in (first, second, known):
        assert await owner_of(pool, ticket.ticket_id) is not None
        assigned = [
            e for e in await events_of(pool, ticket.ticket_id) if e["type"] == "ticket.assigned"
        ]
        assert [e["data"]["reason"] for e in assigned] == ["new"]
    assert await owner_of(pool, early.ticket_id) is None
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT ticket_id, version, priority, status FROM tickets WHERE ticket_id = ANY($1)",
            [first.ticket_id, early.ticket_id],
        )
    found = {r["ticket_id"]: (r["version"], r["priority"], r["status"]) for r in rows}
    assert found == {
        first.ticket_id: (2, "urgent", "open"),
        early.ticket_id: (2, "normal", "resolved"),
    }
    assert await loads(pool) == {"a": (3, 3)}
