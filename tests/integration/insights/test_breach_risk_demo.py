"""Breach risk over the demo history ingested by the real facts handlers: every running clock
of an open ticket is assessed, only unwarned ones are announced, and each once."""

from datetime import UTC, datetime

from tests.integration.insights.conftest import InsightsHarness
from ticketflow_insights.commands.breach_risk import assess_open_tickets
from ticketflow_insights.commands.seed_history import seed_history
from ticketflow_insights.messaging.events import event_table

MONDAY_NOON = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


async def test_the_demo_desk_is_assessed_from_its_facts(insights: InsightsHarness) -> None:
    await seed_history(
        pool=insights.pool,
        table=event_table(insights.runtime),
        now=MONDAY_NOON,
        weeks=1,
        seed=7,
        volume=0.5,
    )
    running = await insights.fetch(
        "SELECT clock_id FROM sla_clocks c JOIN tickets t USING (ticket_id)"
        " WHERE c.state = 'running' AND t.status NOT IN ('resolved', 'closed')"
    )
    assert len(running) > 5

    async with insights.pool.acquire() as conn:
        emitted = await assess_open_tickets(conn=conn, now=MONDAY_NOON, threshold=0.5)
        again = await assess_open_tickets(conn=conn, now=MONDAY_NOON, threshold=0.5)

    assessed = await insights.fetch(
        "SELECT r.clock_id, r.probability, r.reasons, r.crossed_at, c.warned_at"
        " FROM risk_assessments r JOIN sla_clocks c USING (clock_id)"
    )
    assert {r["clock_id"] for r in assessed} == {r["clock_id"] for r in running}
    assert all(r["reasons"] for r in assessed)
    crossed = [r for r in assessed if r["crossed_at"] is not None]
    assert all(r["warned_at"] is None and r["probability"] >= 0.5 for r in crossed)
    events = [e for e in await insights.outbox() if e["type"] == "sla.at_risk"]
    assert emitted == len(crossed) == len(events)
    assert again == 0
