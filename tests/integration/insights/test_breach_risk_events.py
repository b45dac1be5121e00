"""Breach risk on the real Postgres: a ticket deep in a queue with little time left is
flagged and announced once; a warned one is not; re-runs and a second replica add nothing."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from prometheus_client import REGISTRY

from tests.polling import eventually
from tests.support.insights_risk import AGENT, LEAD, RiskHarness, risk_harness
from ticketflow_insights.commands.breach_risk import assess_open_tickets
from ticketflow_insights.workers.breach_risk import run_breach_risk


@pytest.fixture
async def risk(database_url: str, kafka_bootstrap: str) -> AsyncIterator[RiskHarness]:
    async with risk_harness(database_url, kafka_bootstrap) as harness:
        yield harness


async def network_with_a_queue(risk: RiskHarness) -> list[uuid.UUID]:
    """One agent online in network, 20-minute handling, six tickets queued for an hour."""
    await risk.team("network", lead=LEAD)
    await risk.agent(LEAD, teams=["network"], status="offline", email="lead@example.com")
    await risk.agent(AGENT, teams=["network"], email="ana@example.com")
    await risk.resolved_history("network", count=30, handle_minutes=20)
    return [await risk.open_ticket("network", queued_minutes_ago=60 - i) for i in range(6)]


async def assess(risk: RiskHarness) -> int:
    async with risk.pool.acquire() as conn:
        return await assess_open_tickets(conn=conn, now=risk.clock(), threshold=0.5)


async def stored(risk: RiskHarness, clock_id: uuid.UUID) -> tuple[float, list[str], object]:
    async with risk.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT probability, reasons, crossed_at FROM risk_assessments WHERE clock_id = $1",
            clock_id,
        )
    assert row is not None
    return row["probability"], row["reasons"], row["crossed_at"]


async def test_deep_in_the_queue_is_announced_once_with_its_reasons(risk: RiskHarness) -> None:
    await network_with_a_queue(risk)
    deep = await risk.open_ticket("network", queued_minutes_ago=5)
    clock = await risk.clock_for(deep, team="network", due_in_minutes=20)
    before = (
        REGISTRY.get_sample_value("ticketflow_insights_at_risk_events_total", {"team": "network"})
        or 0.0
    )

    assert await assess(risk) == 1

    [event] = await risk.at_risk_events()
    assert event["subject"] == str(deep)
    data = event["data"]
    assert data["ticket_id"] == str(deep)
    assert (data["metric"], data["cycle"], data["team"]) == ("first_response", 1, "network")
    assert data["probability"] > 0.9
    assert data["threshold"] == 0.5
    assert data["team_lead_email"] == "lead@example.com"
    assert data["assignee_email"] is None
    assert data["reasons"][0] == "6 tickets ahead in the queue, 1 agent online, 2 on shift"
    probability, reasons, crossed_at = await stored(risk, clock)
    assert probability == pytest.approx(data["probability"])
    assert reasons == data["reasons"]
    assert crossed_at == risk.clock()
    after = REGISTRY.get_sample_value(
        "ticketflow_insights_at_risk_events_total", {"team": "network"}
    )
    assert after == before + 1
    assert (
        REGISTRY.get_sample_value("ticketflow_insights_at_risk_tickets", {"team": "network"}) == 1
    )

    risk.clock.advance(60)
    assert await assess(risk) == 0
    assert len(await risk.at_risk_events()) == 1
    _, _, still_crossed_at = await stored(risk, clock)
    assert still_crossed_at == crossed_at


async def test_a_ticket_whose_warning_fired_is_not_announced(risk: RiskHarness) -> None:
    await network_with_a_queue(risk)
    warned = await risk.open_ticket("network", queued_minutes_ago=5)
    clock = await risk.clock_for(warned, team="network", due_in_minutes=20, warned=True)

    assert await assess(risk) == 0

    assert await risk.at_risk_events() == []
    probability, _, crossed_at = await stored(risk, clock)
    assert probability > 0.9  # assessed and listed, only not announced
    assert crossed_at is None


async def test_first_in_line_with_hours_left_is_not_flagged(risk: RiskHarness) -> None:
    await risk.team("network", lead=LEAD)
    await risk.agent(AGENT, teams=["network"], email="ana@example.com")
    await risk.resolved_history("network", count=30, handle_minutes=20)
    first = await risk.open_ticket("network", queued_minutes_ago=1)
    clock = await risk.clock_for(first, team="network", due_in_minutes=180)

    assert await assess(risk) == 0

    probability, reasons, _ = await stored(risk, clock)
    assert probability < 0.05
    assert reasons[0] == "0 tickets ahead in the queue, 1 agent online, 1 on shift"


async def test_an_owned_ticket_names_its_owner(risk: RiskHarness) -> None:
    await network_with_a_queue(risk)
    owned = await risk.open_ticket("network", assignee=AGENT)
    await risk.clock_for(owned, team="network", due_in_minutes=0.5, started_minutes_ago=29)

    assert await assess(risk) == 1

    [event] = await risk.at_risk_events()
    assert event["data"]["assignee_id"] == str(AGENT)
    assert event["data"]["assignee_email"] == "ana@example.com"


async def test_a_new_cycle_of_the_same_clock_is_announced_again(risk: RiskHarness) -> None:
    await network_with_a_queue(risk)
    deep = await risk.open_ticket("network", queued_minutes_ago=5)
    clock = await risk.clock_for(
        deep, team="network", due_in_minutes=20, metric="resolution", started_minutes_ago=2000
    )
    assert await assess(risk) == 1
    await risk.sql(
        "UPDATE sla_clocks SET cycle = 2, started_at = $2, due_at = $3 WHERE clock_id = $1",
        clock,
        risk.clock(),
        risk.clock().replace(minute=5),
    )

    assert await assess(risk) == 1

    cycles = [e["data"]["cycle"] for e in await risk.at_risk_events()]
    assert cycles == [1, 2]


async def test_two_replicas_at_once_announce_a_crossing_once(risk: RiskHarness) -> None:
    await network_with_a_queue(risk)
    for _ in range(3):
        deep = await risk.open_ticket("network", queued_minutes_ago=5)
        await risk.clock_for(deep, team="network", due_in_minutes=20)

    emitted = await asyncio.gather(*(assess(risk) for _ in range(4)))

    assert sum(emitted) == 3
    assert len(await risk.at_risk_events()) == 3


async def test_the_worker_announces_on_its_own(risk: RiskHarness) -> None:
    await network_with_a_queue(risk)
    deep = await risk.open_ticket("network", queued_minutes_ago=5)
    await risk.clock_for(deep, team="network", due_in_minutes=20)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_breach_risk(risk.runtime, stop))
    try:
        events = await eventually(risk.at_risk_events, what="sla.at_risk from the worker")
    finally:
        stop.set()
        await worker
    assert [e["subject"] for e in events] == [str(deep)]
