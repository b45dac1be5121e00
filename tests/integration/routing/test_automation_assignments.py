"""Routing carries out the `assign` and `unassign` actions of rules and macros, once each, with
the firing's `caused_by` on what it emits; refusals change nothing and never fail the event."""

import uuid
from typing import Any

import asyncpg
import pytest
from prometheus_client import REGISTRY
from pydantic import TypeAdapter

from tests.integration.routing.conftest import (
    AddAgent,
    FakeIntake,
    RoutingHarness,
    events_of,
    loads,
    owner_of,
)
from ticketflow_common.events import AutomationCause, MacroApplied, RuleFired
from ticketflow_common.events.automation import Action

pytestmark = pytest.mark.integration

RULE_ID = uuid.uuid4()


def fired(ticket_id: uuid.UUID, *actions: dict[str, Any], depth: int = 1) -> RuleFired:
    """`rule.fired` as automation emits it, with rendered actions."""
    firing = uuid.uuid4()
    return RuleFired.model_validate(
        {
            "ticket_id": ticket_id,
            "firing_id": firing,
            "actions": list(actions),
            "caused_by": AutomationCause(
                kind="rule", firing_id=firing, rule_id=RULE_ID, depth=depth
            ),
            "rule_id": RULE_ID,
            "rule_name": "紧急打印机",
            "rule_version": 1,
            "trigger": "event",
            "why": ["ticket.subject contains_text 打印机"],
            "fired_at": "2026-05-04T09:00:00Z",
        }
    )


def counted(action: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "ticketflow_routing_automation_actions_total", {"action": action, "outcome": outcome}
    )
    return value or 0.0


async def new_events(pool: asyncpg.Pool, ticket_id: uuid.UUID, seen: int) -> list[dict[str, Any]]:
    return (await events_of(pool, ticket_id))[seen:]


async def test_assign_to_a_named_agent_carries_caused_by_and_applies_once(
    routing: RoutingHarness, intake: FakeIntake, add_agent: AddAgent
) -> None:
    first = await add_agent("first", capacity=1)
    second = await add_agent("second", capacity=1)
    ticket = intake.created(skills=["vpn"], team="net")
    await intake.send(ticket)
    owner = await owner_of(routing.pool, ticket.ticket_id)
    assert owner is not None
    other = second.id if owner == first.id else first.id
    seen = len(await events_of(routing.pool, ticket.ticket_id))

    event = fired(ticket.ticket_id, {"type": "assign", "agent_id": str(other)})
    envelope = routing.envelope(event)
    assert await routing.deliver(envelope) == "processed"
    assert await routing.deliver(envelope) == "duplicate"

    assert await owner_of(routing.pool, ticket.ticket_id) == other
    emitted = await new_events(routing.pool, ticket.ticket_id, seen)
    assert [e["type"] for e in emitted] == ["ticket.unassigned", "ticket.assigned"]
    cause = event.caused_by.model_dump(mode="json")
    assert all(e["data"]["caused_by"] == cause for e in emitted)
    assert emitted[0]["data"]["agent_id"] == str(owner)
    assert emitted[1]["data"]["agent_id"] == str(other)
    assert emitted[1]["data"]["reason"] == "automation"
    assert emitted[1]["data"]["previous_agent_id"] == str(owner)
    moved = {first.id: "first", second.id: "second"}
    assert await loads(routing.pool) == {moved[other]: (1, 1), moved[owner]: (0, 0)}


async def test_assign_to_the_current_owner_changes_and_emits_nothing(
    routing: RoutingHarness, intake: FakeIntake, add_agent: AddAgent
) -> None:
    await add_agent("solo")
    ticket = intake.created(skills=["vpn"], team="net")
    await intake.send(ticket)
    owner = await owner_of(routing.pool, ticket.ticket_id)
    assert owner is not None
    seen = len(await events_of(routing.pool, ticket.ticket_id))
    before = counted("assign", "unchanged")

    assert (
        await routing.deliver(fired(ticket.ticket_id, {"type": "assign", "agent_id": str(owner)}))
        == "processed"
    )

    assert await new_events(routing.pool, ticket.ticket_id, seen) == []
    assert await owner_of(routing.pool, ticket.ticket_id) == owner
    assert counted("assign", "unchanged") == before + 1


@pytest.mark.parametrize("refusal", ["unknown", "at_capacity", "other_team"])
async def test_a_refused_assignment_changes_nothing_and_is_counted(
    routing: RoutingHarness, intake: FakeIntake, add_agent: AddAgent, refusal: str
) -> None:
    await add_agent("owner", capacity=2)
    full = await add_agent("full", capacity=0)
    billing = await add_agent("billing", team="billing", capacity=5)
    ticket = intake.created(skills=["vpn"], team="net")
    await intake.send(ticket)
    owner = await owner_of(routing.pool, ticket.ticket_id)
    seen = len(await events_of(routing.pool, ticket.ticket_id))
    target = {"unknown": uuid.uuid4(), "at_capacity": full.id, "other_team": billing.id}[refusal]
    before = counted("assign", "refused")

    event = fired(
        ticket.ticket_id,
        {"type": "assign", "agent_id": str(target)},
        {"type": "set_priority", "priority": "urgent"},  # intake's: routing leaves it
    )
    assert await routing.deliver(event) == "processed"

    assert await owner_of(routing.pool, ticket.ticket_id) == owner
    assert await new_events(routing.pool, ticket.ticket_id, seen) == []
    assert await loads(routing.pool) == {"owner": (1, 1), "full": (0, 0), "billing": (0, 0)}
    assert counted("assign", "refused") == before + 1


async def test_assign_without_an_agent_picks_the_best_other_one(
    routing: RoutingHarness, intake: FakeIntake, add_agent: AddAgent
) -> None:
    await add_agent("a", capacity=1)
    await add_agent("b", capacity=1)
    ticket = intake.created(skills=["vpn"], team="net")
    await intake.send(ticket)
    owner = await owner_of(routing.pool, ticket.ticket_id)
    seen = len(await events_of(routing.pool, ticket.ticket_id))

    event = fired(ticket.ticket_id, {"type": "assign"})
    assert await routing.deliver(event) == "processed"

    new_owner = await owner_of(routing.pool, ticket.ticket_id)
    assert new_owner not in (None, owner)
    emitted = await new_events(routing.pool, ticket.ticket_id, seen)
    assert [e["type"] for e in emitted] == ["ticket.unassigned", "ticket.assigned"]
    assert {e["data"]["caused_by"]["firing_id"] for e in emitted} == {str(event.firing_id)}


async def test_unassign_queues_the_ticket_once_with_caused_by(
    routing: RoutingHarness, intake: FakeIntake, add_agent: AddAgent
) -> None:
    await add_agent("solo", capacity=1)
    waiting = intake.created(skills=["vpn"], team="net")
    ticket = intake.created(skills=["vpn"], team="net")
    await intake.send(ticket)
    intake.tick()
    await intake.send(waiting)  # queued: the only agent is full
    owner = await owner_of(routing.pool, ticket.ticket_id)
    assert owner is not None
    assert await owner_of(routing.pool, waiting.ticket_id) is None
    seen = len(await events_of(routing.pool, ticket.ticket_id))

    firing = uuid.uuid4()
    macro = MacroApplied(
        ticket_id=ticket.ticket_id,
        firing_id=firing,
        actions=[TypeAdapter(Action).validate_python({"type": "unassign"})],
        caused_by=AutomationCause(kind="macro", firing_id=firing, macro_id=uuid.uuid4()),
        macro_id=uuid.uuid4(),
        macro_name="交给队列",
        actor_id="agent-7",
        applied_at=intake.now,
    )
    envelope = routing.envelope(macro)
    assert await routing.deliver(envelope) == "processed"
    assert await routing.deliver(envelope) == "duplicate"

    assert await owner_of(routing.pool, ticket.ticket_id) is None
    # The freed capacity took the ticket that was waiting before this one.
    assert await owner_of(routing.pool, waiting.ticket_id) == owner
    emitted = await new_events(routing.pool, ticket.ticket_id, seen)
    assert [e["type"] for e in emitted] == ["ticket.unassigned", "ticket.queued"]
    cause = macro.caused_by.model_dump(mode="json")
    assert [e["data"]["caused_by"] for e in emitted] == [cause, cause]
    assert emitted[1]["data"]["team"] == "net"
    assert emitted[1]["data"]["position"] == 1
    async with routing.pool.acquire() as conn:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM queued_tickets WHERE ticket_id = $1", ticket.ticket_id
            )
            == 1
        )

    # Unassigning a ticket that has no owner: nothing to do, nothing emitted.
    before = counted("unassign", "unchanged")
    assert await routing.deliver(fired(ticket.ticket_id, {"type": "unassign"})) == "processed"
    assert len(await new_events(routing.pool, ticket.ticket_id, seen)) == 2
    assert counted("unassign", "unchanged") == before + 1


async def test_actions_for_a_ticket_routing_does_not_know_are_refused_not_dead_lettered(
    routing: RoutingHarness,
) -> None:
    unknown = uuid.uuid4()
    before = counted("unassign", "refused")
    event = fired(unknown, {"type": "assign", "agent_id": str(uuid.uuid4())}, {"type": "unassign"})
    assert await routing.deliver(event) == "processed"
    assert await events_of(routing.pool, unknown) == []
    assert counted("unassign", "refused") == before + 1
