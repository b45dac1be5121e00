"""The clock lifecycle from ticket events, on the real Postgres, with time injected."""

import contextlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY

from tests.integration.sla.conftest import SlaHarness
from ticketflow_common.events import (
    TicketAssigned,
    TicketCommented,
    TicketCreated,
    TicketStatusChanged,
    TicketUpdated,
)
from ticketflow_sla.commands.timers import fire_due_timers
from ticketflow_sla.store.tickets import apply_assignment, apply_ticket_facts

pytestmark = pytest.mark.integration


def status(
    sla: SlaHarness, created: TicketCreated, new: str, *, previous: str, **kw: object
) -> TicketStatusChanged:
    return TicketStatusChanged(
        **sla.facts(created, status=new),
        previous_status=previous,
        actor_id="agent-1",
        actor_role="agent",
        changed_at=sla.clock(),
        **kw,
    )


def comment(
    sla: SlaHarness, created: TicketCreated, role: str, *, first: bool = False, public: bool = True
) -> TicketCommented:
    return TicketCommented(
        **sla.facts(created),
        comment_id=uuid.uuid4(),
        author_id="someone",
        author_role=role,
        public=public,
        first_response=first,
        commented_at=sla.clock(),
    )


async def fire(sla: SlaHarness) -> int:
    async with sla.pool.acquire() as conn:
        return await fire_due_timers(conn=conn, now=sla.clock(), limit=1000)


async def clocks(sla: SlaHarness, ticket_id: uuid.UUID) -> dict[tuple[str, int], dict[str, object]]:
    async with sla.pool.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM clocks WHERE ticket_id = $1", ticket_id)
    return {(r["metric"], r["cycle"]): dict(r) for r in rows}


async def test_created_ticket_starts_first_response_and_resolution_with_their_timers(
    sla: SlaHarness,
) -> None:
    created = sla.created(priority="urgent")
    await sla.deliver(created)

    events = await sla.outbox(str(created.ticket_id))
    assert [(e["type"], e["data"]["metric"]) for e in events] == [
        ("sla.started", "first_response"),
        ("sla.started", "resolution"),
    ]
    first = events[0]["data"]
    assert first["policy"] == "urgent"
    assert first["target_seconds"] == 600
    assert first["priority"] == "urgent"
    assert datetime.fromisoformat(first["due_at"]) == sla.clock() + timedelta(seconds=600)

    timers = [
        (t["metric"], t["kind"], t["threshold"], t["level"], t["due_at"] - sla.clock())
        for t in await sla.pending_timers(created.ticket_id)
        if t["metric"] == "first_response"
    ]
    assert timers == [
        ("first_response", "warning", "50%", 0, timedelta(seconds=300)),
        ("first_response", "warning", "75%", 0, timedelta(seconds=450)),
        ("first_response", "breach", "", 0, timedelta(seconds=600)),
        ("first_response", "escalation", "", 1, timedelta(seconds=660)),
        ("first_response", "escalation", "", 2, timedelta(seconds=720)),
    ]


async def test_warnings_breach_and_escalations_fire_in_order_and_stop_when_met(
    sla: SlaHarness,
) -> None:
    created = sla.created(priority="urgent")
    await sla.deliver(created)
    lead, agent = uuid.uuid4(), uuid.uuid4()
    await sla.deliver(
        TicketAssigned(
            ticket_id=created.ticket_id,
            agent_id=agent,
            agent_name="Grace",
            agent_email="grace@example.com",
            team="network",
            team_lead_id=lead,
            team_lead_email="lead@example.com",
            assigned_at=sla.clock(),
        )
    )
    start = sla.clock()

    sla.clock.advance(300)
    assert await fire(sla) == 1
    sla.clock.advance(600 - 300 + 0.25)  # past 75% and the breach: both fire, once
    assert await fire(sla) == 2
    assert await fire(sla) == 0
    view = await clocks(sla, created.ticket_id)
    assert view[("first_response", 1)]["breached_at"] == start + timedelta(seconds=600)

    sla.clock.now = start + timedelta(seconds=720)
    assert await fire(sla) == 2  # level 1 (breach + 60 s) and level 2 (breach + 120 s)
    events = [
        e
        for e in await sla.outbox(str(created.ticket_id))
        if e["data"]["metric"] == "first_response"
    ]
    fired = [(e["type"], e["data"].get("threshold"), e["data"].get("level")) for e in events[1:]]
    assert fired == [
        ("sla.warning", "50%", None),
        ("sla.warning", "75%", None),
        ("sla.breached", None, None),
        ("sla.escalated", None, 1),
        ("sla.escalated", None, 2),
    ]
    breached = events[3]["data"]
    assert datetime.fromisoformat(breached["due_at"]) == start + timedelta(seconds=600)
    assert datetime.fromisoformat(breached["fired_at"]) == start + timedelta(seconds=600.25)
    level_two = events[5]["data"]
    assert level_two["targets"] == [
        {"kind": "team_lead", "id": str(lead), "email": "lead@example.com"},
        {"kind": "group", "id": "network-oncall", "email": None},
    ]
    assert level_two["team"] == "network"
    assert level_two["assignee_id"] == str(agent)
    assert events[4]["data"]["targets"] == [
        {"kind": "owner", "id": str(agent), "email": "grace@example.com"}
    ]
    repeats = [
        t
        for t in await sla.pending_timers(created.ticket_id)
        if t["kind"] == "escalation" and t["metric"] == "first_response"
    ]
    assert [(t["level"], t["repeat"], t["due_at"] - start) for t in repeats] == [
        (2, 1, timedelta(seconds=1020))
    ]

    sla.clock.advance(10)
    await sla.deliver(comment(sla, created, "agent", first=True))
    met = (await sla.outbox(str(created.ticket_id)))[-1]
    assert met["type"] == "sla.met"
    assert met["data"]["business_seconds_used"] == pytest.approx(730)
    assert [t["metric"] for t in await sla.pending_timers(created.ticket_id)] == [
        "resolution"
    ] * 5, "escalation of the first response stops once it is met"
    assert view[("first_response", 1)]["state"] == "running"
    assert (await clocks(sla, created.ticket_id))[("first_response", 1)]["state"] == "met"


async def test_waiting_on_customer_pauses_and_resuming_keeps_business_time(
    sla: SlaHarness,
) -> None:
    created = sla.created()
    await sla.deliver(created)
    start = sla.clock()
    sla.clock.advance(600)
    await sla.deliver(status(sla, created, "waiting_on_customer", previous="new"))
    assert await sla.pending_timers(created.ticket_id) == []
    sla.clock.advance(3600)
    assert await fire(sla) == 0, "a paused clock never fires"
    await sla.deliver(status(sla, created, "open", previous="waiting_on_customer"))

    types = await sla.types(created.ticket_id)
    assert types == ["sla.started"] * 2 + ["sla.paused"] * 2 + ["sla.resumed"] * 2
    resumed = {e["data"]["metric"]: e["data"] for e in await sla.outbox(str(created.ticket_id))}
    # 1800 s target, 600 s spent before the pause: 1200 s after resuming at start + 4200 s
    assert datetime.fromisoformat(resumed["first_response"]["due_at"]) == start + timedelta(
        seconds=4200 + 1200
    )
    assert datetime.fromisoformat(resumed["resolution"]["due_at"]) == start + timedelta(
        seconds=4200 + 6600
    )


async def test_pending_approval_holds_resolution_until_approved(sla: SlaHarness) -> None:
    created = sla.created(status="pending_approval")
    await sla.deliver(created)
    assert await sla.types(created.ticket_id) == ["sla.started", "sla.paused"]
    assert (await sla.outbox(str(created.ticket_id)))[1]["data"]["reason"] == "pending_approval"

    sla.clock.advance(7200)
    await sla.deliver(status(sla, created, "open", previous="pending_approval"))
    events = await sla.outbox(str(created.ticket_id))
    assert [(e["type"], e["data"]["metric"]) for e in events[2:]] == [
        ("sla.resumed", "first_response"),
        ("sla.started", "resolution"),
    ]
    assert datetime.fromisoformat(events[3]["data"]["started_at"]) == sla.clock()


async def test_replies_meet_first_and_next_response(sla: SlaHarness) -> None:
    created = sla.created()
    await sla.deliver(created)
    sla.clock.advance(100)
    await sla.deliver(comment(sla, created, "agent", public=False))
    await sla.deliver(comment(sla, created, "agent", first=True))
    sla.clock.advance(100)
    await sla.deliver(comment(sla, created, "requester"))
    await sla.deliver(comment(sla, created, "requester"))  # still awaiting a reply: no new clock
    sla.clock.advance(50)
    await sla.deliver(comment(sla, created, "agent"))

    events = [
        e for e in await sla.outbox(str(created.ticket_id)) if e["data"]["metric"] != "resolution"
    ]
    assert [(e["type"], e["data"]["metric"], e["data"]["cycle"]) for e in events] == [
        ("sla.started", "first_response", 1),
        ("sla.met", "first_response", 1),
        ("sla.started", "next_response", 1),
        ("sla.met", "next_response", 1),
    ]
    assert events[3]["data"]["business_seconds_used"] == 50


async def test_resolve_reopen_and_close_run_resolution_cycles(sla: SlaHarness) -> None:
    created = sla.created()
    await sla.deliver(created)
    sla.clock.advance(1000)
    await sla.deliver(status(sla, created, "resolved", previous="open"))
    sla.clock.advance(1000)
    await sla.deliver(status(sla, created, "open", previous="resolved", reopened=True))
    sla.clock.advance(500)
    await sla.deliver(status(sla, created, "closed", previous="open"))

    events = await sla.outbox(str(created.ticket_id))
    assert [(e["type"], e["data"]["metric"], e["data"]["cycle"]) for e in events] == [
        ("sla.started", "first_response", 1),
        ("sla.started", "resolution", 1),
        ("sla.cancelled", "first_response", 1),
        ("sla.met", "resolution", 1),
        ("sla.started", "resolution", 2),
        ("sla.cancelled", "resolution", 2),
    ]
    assert events[3]["data"]["business_seconds_used"] == 1000
    assert events[5]["data"]["reason"] == "closed"
    assert await sla.pending_timers(created.ticket_id) == []


async def test_priority_change_recomputes_keeping_business_time_spent(sla: SlaHarness) -> None:
    created = sla.created(priority="normal")
    await sla.deliver(created)
    start = sla.clock()
    sla.clock.advance(400)
    await sla.deliver(
        TicketUpdated(
            **sla.facts(created, priority="urgent"),
            changed=["priority"],
            actor_id="agent-1",
            updated_at=sla.clock(),
        )
    )
    recalculated = [
        e["data"]
        for e in await sla.outbox(str(created.ticket_id))
        if e["type"] == "sla.recalculated"
    ]
    first = next(r for r in recalculated if r["metric"] == "first_response")
    assert (first["previous_policy"], first["policy"], first["target_seconds"]) == (
        "standard",
        "urgent",
        600,
    )
    assert first["business_seconds_used"] == 400
    assert datetime.fromisoformat(first["due_at"]) == start + timedelta(seconds=600)
    warnings = [
        t
        for t in await sla.pending_timers(created.ticket_id)
        if t["kind"] == "warning" and t["metric"] == "first_response"
    ]
    assert [(t["threshold"], t["due_at"] - start) for t in warnings] == [
        ("50%", timedelta(seconds=400)),  # already past 300 s: due at once
        ("75%", timedelta(seconds=450)),
    ]


async def test_a_stale_event_does_not_move_clocks_back(sla: SlaHarness) -> None:
    created = sla.created()
    await sla.deliver(created)
    waiting = status(sla, created, "waiting_on_customer", previous="new")
    in_progress = status(sla, created, "in_progress", previous="waiting_on_customer")
    await sla.deliver(in_progress)  # version 3 arrives first
    await sla.deliver(waiting)  # version 2 is older than what SLA knows: ignored
    assert await sla.types(created.ticket_id) == ["sla.started", "sla.started"]


async def test_business_hours_policy_counts_only_working_time(sla: SlaHarness) -> None:
    await sla.sql(
        "INSERT INTO policies (name, position, conditions, first_response_seconds, calendar)"
        " VALUES ('vip', 1, '{\"requester_tier\": [\"vip\"]}', 600, 'business-hours')"
    )
    sla.clock.now = datetime(2025, 6, 6, 16, 55, tzinfo=UTC)  # a Friday, 5 minutes before 17:00
    created = sla.created(requester_tier="vip")
    await sla.deliver(created)
    started = (await sla.outbox(str(created.ticket_id)))[0]["data"]
    assert started["policy"] == "vip"
    assert datetime.fromisoformat(started["due_at"]) == datetime(2025, 6, 9, 9, 5, tzinfo=UTC)


async def test_a_policy_sets_its_own_pause_and_reset_conditions(sla: SlaHarness) -> None:
    rules = {"pause_on": ["pending_approval"], "reset_on": ["in_progress"]}
    await sla.sql(
        "INSERT INTO policies (name, position, conditions, first_response_seconds,"
        " resolution_seconds, calendar, clock_rules)"
        " VALUES ('gold', 2, '{\"requester_tier\": [\"gold\"]}', 600, 3600, '24x7', $1)",
        rules,
    )
    created = sla.created(requester_tier="gold")
    await sla.deliver(created)
    sla.clock.advance(100)
    await sla.deliver(status(sla, created, "waiting_on_customer", previous="new"))
    sla.clock.advance(100)
    await sla.deliver(status(sla, created, "in_progress", previous="waiting_on_customer"))

    events = await sla.outbox(str(created.ticket_id))
    assert [(e["type"], e["data"]["metric"], e["data"]["cycle"]) for e in events] == [
        ("sla.started", "first_response", 1),
        ("sla.started", "resolution", 1),
        ("sla.cancelled", "first_response", 1),
        ("sla.cancelled", "resolution", 1),
        ("sla.started", "first_response", 2),
        ("sla.started", "resolution", 2),
    ], "waiting on the customer does not pause here; in_progress starts the clocks over"
    assert events[2]["data"]["reason"] == "reset: in_progress"
    restarted = datetime.fromisoformat(events[4]["data"]["due_at"])
    assert restarted == sla.clock() + timedelta(seconds=600)


class RolledBack(Exception):
    """Raised after timers fired, so their transaction rolls back."""


async def test_a_breach_whose_transaction_rolls_back_is_not_counted(sla: SlaHarness) -> None:
    labels = {"metric": "first_response", "policy": "urgent", "team": ""}

    def breaches() -> float:
        return REGISTRY.get_sample_value("ticketflow_sla_breaches_total", labels) or 0.0

    await sla.deliver(sla.created(priority="urgent"))
    before = breaches()
    sla.clock.advance(601)
    async with sla.pool.acquire() as conn:
        with contextlib.suppress(RolledBack):
            async with conn.transaction():
                assert await fire_due_timers(conn=conn, now=sla.clock(), limit=1000) == 3
                raise RolledBack
    assert breaches() == before

    assert await fire(sla) == 3  # the same warnings and breach, now for real
    assert breaches() == before + 1


async def test_only_a_tickets_first_facts_are_first_seen(sla: SlaHarness) -> None:
    """Clocks are not looked for when the ticket's row was made by this event's facts: no
    event of it came before, so none can exist; any earlier event of it makes them looked for."""
    created = sla.created()
    later = TicketUpdated(
        **sla.facts(created, priority="high"),
        changed=["priority"],
        actor_id="agent-1",
        updated_at=sla.clock(),
    )
    assigned_first = sla.created()
    assignment = TicketAssigned(
        ticket_id=assigned_first.ticket_id,
        agent_id=uuid.uuid4(),
        agent_name="王芳",
        team="net",
        assigned_at=sla.clock(),
    )
    async with sla.pool.acquire() as conn:
        first = await apply_ticket_facts(conn=conn, facts=created, now=sla.clock())
        again = await apply_ticket_facts(conn=conn, facts=later, now=sla.clock())
        await apply_assignment(conn=conn, event=assignment, now=sla.clock())
        after_assignment = await apply_ticket_facts(
            conn=conn, facts=assigned_first, now=sla.clock()
        )
    assert first is not None
    assert first.first_seen
    assert again is not None
    assert not again.first_seen
    assert after_assignment is not None
    assert not after_assignment.first_seen
