"""Facts from the stream: every topic's events fill the facts, and the end state is the same
whatever order the topics delivered them in."""

import asyncio
import random
from datetime import date, timedelta

import pytest
from prometheus_client import REGISTRY

from tests.integration.insights.conftest import InsightsHarness
from tests.support.clock import MONDAY
from tests.support.insights_facts import FactsHistory, facts_history, synthetic_events
from ticketflow_common.envelope import Envelope
from ticketflow_insights.commands.facts_tickets import refresh_tickets

pytestmark = pytest.mark.integration


def ordered(history: FactsHistory, order: str) -> list[Envelope]:
    envelopes = list(history.envelopes)
    if order == "reversed":
        envelopes.reverse()
    elif order.startswith("shuffled"):
        random.Random(order).shuffle(envelopes)
    return envelopes


@pytest.mark.parametrize("order", ["published", "reversed", "shuffled-1", "shuffled-2"])
async def test_every_fact_is_the_same_whatever_the_arrival_order(
    insights: InsightsHarness, order: str
) -> None:
    h = facts_history(MONDAY)
    for envelope in ordered(h, order):
        assert await insights.deliver(envelope) == "processed"

    ticket = await insights.ticket(h.reopened)
    minutes = h.at
    assert (ticket["team"], ticket["channel"], ticket["category"]) == ("network", "web", "vpn")
    assert ticket["priority"] == "urgent"
    assert ticket["created_at"] == minutes(0)
    assert ticket["first_assigned_at"] == minutes(2)
    assert (ticket["assignee_id"], ticket["assigned_at"]) == (h.agent_b, minutes(30))
    assert (ticket["first_response_at"], ticket["first_responder_id"]) == (minutes(10), h.agent_a)
    assert ticket["agent_replies"] == 2
    assert (ticket["status"], ticket["status_since"]) == ("resolved", minutes(150))
    assert (ticket["resolved_at"], ticket["resolved_by"]) == (minutes(150), h.agent_b)
    assert ticket["reopen_count"] == 1
    assert ticket["closed_at"] is None
    assert ticket["handling_seconds"] == 5100  # 5-60 owned by A then B, 120-150 by B
    assert (ticket["csat_rating"], ticket["csat_at"]) == (5, minutes(160))
    dwell = await insights.fetch(
        "SELECT status, seconds FROM ticket_status_dwell WHERE ticket_id = $1", h.reopened
    )
    assert {r["status"]: r["seconds"] for r in dwell} == {
        "new": 300,
        "open": 900 + 1800,
        "in_progress": 2400,
        "resolved": 3600,
    }

    routed = await insights.ticket(h.routed)
    assert routed["team"] == "apps"  # its own events name none: routing's stands
    assert (routed["assignee_id"], routed["first_assigned_at"]) == (h.agent_a, minutes(40))
    assert (routed["queued_at"], routed["queue_position"]) == (None, None)
    assert routed["status"] == "new"

    arrivals = await insights.fetch(
        "SELECT interval_start, team, channel, category, priority, arrivals FROM arrivals"
        " ORDER BY team DESC"
    )
    assert [tuple(r) for r in arrivals] == [
        (MONDAY, "network", "web", "vpn", "high", 1),
        (MONDAY, "", "email", "", "high", 1),
    ]

    ann = await insights.fetchrow("SELECT * FROM agents WHERE agent_id = $1", h.agent_a)
    assert ann is not None
    assert (ann["name"], ann["version"], ann["teams"], ann["capacity"]) == (
        "Ann",
        2,
        ["network", "apps"],
        4,
    )
    assert ann["status"] == "away"
    assert ann["shifts"] == [{"days": ["mon", "tue"], "start": "08:00:00", "end": "16:00:00"}]
    periods = await insights.fetch(
        "SELECT status, started_at, ended_at FROM agent_status_periods WHERE agent_id = $1"
        " ORDER BY started_at",
        h.agent_a,
    )
    assert [tuple(p) for p in periods] == [
        ("online", minutes(-10), minutes(30)),
        ("away", minutes(30), None),
    ]
    team = await insights.fetchrow("SELECT * FROM teams WHERE team = 'network'")
    assert team is not None
    assert (team["name"], team["version"], team["lead_agent_id"]) == ("Network & VPN", 2, h.agent_b)
    calendar = await insights.fetchrow("SELECT * FROM calendars WHERE name = 'default'")
    assert calendar is not None
    assert calendar["week"] == {"mon": [["08:00", "18:00"]]}
    assert calendar["holidays"] == [date(2025, 12, 24), date(2025, 12, 25), date(2025, 12, 26)]

    clock = await insights.fetchrow("SELECT * FROM sla_clocks WHERE clock_id = $1", h.clock_id)
    assert clock is not None
    assert (clock["state"], clock["outcome"]) == ("stopped", "breached")
    assert (clock["target_seconds"], clock["started_at"]) == (300, minutes(0))
    assert (clock["warned_at"], clock["breached_at"], clock["met_at"]) == (
        minutes(2.5),
        minutes(5),
        minutes(10),
    )
    assert clock["business_seconds_used"] == 600
    paused = await insights.fetchrow(
        "SELECT * FROM sla_clocks WHERE clock_id = $1", h.paused_clock_id
    )
    assert paused is not None
    assert (paused["state"], paused["outcome"], paused["due_at"]) == ("paused", None, minutes(250))


async def test_figures_of_the_view_are_those_of_the_domain(insights: InsightsHarness) -> None:
    h = facts_history(MONDAY)
    for envelope in h.envelopes:
        await insights.deliver(envelope)
    figures = await insights.fetchrow(
        "SELECT * FROM ticket_figures WHERE ticket_id = $1", h.reopened
    )
    assert figures is not None
    assert figures["time_to_owner_seconds"] == 120
    assert figures["first_response_seconds"] == 600
    assert figures["resolution_seconds"] == 150 * 60
    assert figures["resolved"] is True
    assert figures["first_contact_resolution"] is False  # reopened
    assert figures["csat_satisfied"] is True
    routed = await insights.fetchrow("SELECT * FROM ticket_figures WHERE ticket_id = $1", h.routed)
    assert routed is not None
    assert routed["time_to_owner_seconds"] == 39 * 60
    assert routed["resolved"] is False
    assert routed["first_contact_resolution"] is None


async def test_a_redelivered_event_counts_once(insights: InsightsHarness) -> None:
    h = facts_history(MONDAY)
    before = REGISTRY.get_sample_value(
        "ticketflow_insights_arrivals_total", {"team": "network", "channel": "web"}
    )
    for envelope in h.envelopes:
        await insights.deliver(envelope)
    for envelope in h.envelopes:
        assert await insights.deliver(envelope) == "duplicate"
    ticket = await insights.ticket(h.reopened)
    assert ticket["agent_replies"] == 2
    total = await insights.fetch("SELECT sum(arrivals) AS n FROM arrivals")
    assert total[0]["n"] == 2
    after = REGISTRY.get_sample_value(
        "ticketflow_insights_arrivals_total", {"team": "network", "channel": "web"}
    )
    assert (after or 0) - (before or 0) == 1


async def test_a_ticket_without_a_team_counts_its_arrival_under_none(
    insights: InsightsHarness,
) -> None:
    created = insights.created(team=None, category=None, created_at=MONDAY + timedelta(minutes=44))
    await insights.deliver(created)
    rows = await insights.fetch("SELECT interval_start, team, category FROM arrivals")
    assert [tuple(r) for r in rows] == [(MONDAY + timedelta(minutes=30), "", "")]


async def test_events_of_one_ticket_applied_at_once_leave_it_fully_recomputed(
    insights: InsightsHarness,
) -> None:
    """Partitions (and replicas) apply a ticket's intake and routing events concurrently; each
    recomputation waits for the other, so the last one sees every change."""
    by_ticket: dict[str, list[Envelope]] = {}
    for envelope in synthetic_events(MONDAY, tickets=30, agents=3):
        by_ticket.setdefault(envelope.subject, []).append(envelope)
    for envelopes in by_ticket.values():
        await asyncio.gather(*(insights.deliver(e) for e in envelopes))
    before = await insights.fetch("SELECT * FROM tickets ORDER BY ticket_id")
    ids = [r["ticket_id"] for r in before]
    async with insights.pool.acquire() as conn, conn.transaction():
        await refresh_tickets(conn=conn, ticket_ids=ids)
    after = await insights.fetch("SELECT * FROM tickets ORDER BY ticket_id")
    assert [dict(r) for r in after] == [dict(r) for r in before]
    assert len(before) == 30
