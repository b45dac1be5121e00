"""seed-history applies a seed's demo history through an event table once: the handlers see each
event at its own instant, nothing they emit is published, and a re-run does nothing."""

from datetime import UTC, datetime
from typing import Any

import asyncpg

from tests.integration.insights.conftest import InsightsHarness
from ticketflow_common.envelope import Envelope
from ticketflow_common.event_table import EventTable
from ticketflow_common.events import SlaAtRisk, TicketCreated
from ticketflow_common.outbox import emit
from ticketflow_insights.commands.seed_history import history_window, seed_history
from ticketflow_insights.domain.synthetic_history import synthetic_history

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


def recording_table(seen: list[tuple[datetime, datetime]]) -> EventTable:
    """Records (event time, handler's now) per ticket.created and emits an event for each."""

    async def on_created(
        *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> None:
        assert isinstance(event, TicketCreated)
        seen.append((event.created_at, now))
        at_risk = SlaAtRisk(
            ticket_id=event.ticket_id, metric="first_response", probability=0.9, threshold=0.5,
            due_at=now, assessed_at=now,
        )  # fmt: skip
        await emit(conn, at_risk, subject=str(event.ticket_id), now=now)

    return {TicketCreated: on_created}


def expected_created(weeks: int, seed: int, volume: float) -> int:
    start, end = history_window(now=NOW, weeks=weeks)
    events = synthetic_history(start=start, weeks=weeks + 1, seed=seed, volume=volume, until=end)
    return sum(1 for e in events if isinstance(e.data, TicketCreated))


async def test_a_seed_is_applied_once_at_its_events_instants(insights: InsightsHarness) -> None:
    seen: list[tuple[datetime, datetime]] = []
    first = await seed_history(
        pool=insights.pool, table=recording_table(seen), now=NOW, weeks=2, seed=3, volume=0.3,
        batch_size=200,
    )  # fmt: skip
    created = expected_created(2, 3, 0.3)
    assert created > 50
    assert first.applied == created == len(seen)
    assert first.unhandled == first.events - created
    assert all(event_time == now for event_time, now in seen)
    assert max(now for _, now in seen) <= NOW
    assert await insights.fetch("SELECT * FROM outbox") == []
    processed = await insights.fetchrow("SELECT count(*) AS n FROM processed_events")
    assert processed is not None
    assert processed["n"] == created

    again = await seed_history(
        pool=insights.pool, table=recording_table(seen), now=datetime(2025, 6, 9, tzinfo=UTC),
        weeks=2, seed=3, volume=0.3,
    )  # fmt: skip
    assert again.already_complete
    assert again.applied == 0
    assert (again.starts_at, again.ends_at) == (first.starts_at, first.ends_at)
    assert len(seen) == created


async def test_an_interrupted_seed_resumes_without_applying_twice(
    insights: InsightsHarness,
) -> None:
    seen: list[tuple[datetime, datetime]] = []
    first = await seed_history(
        pool=insights.pool, table=recording_table(seen), now=NOW, weeks=1, seed=4, volume=0.3
    )
    await insights.fetch("UPDATE demo_histories SET completed_at = NULL")  # as if it crashed
    later = datetime(2025, 6, 3, tzinfo=UTC)
    resumed = await seed_history(
        pool=insights.pool, table=recording_table(seen), now=later, weeks=1, seed=4, volume=0.3
    )
    assert not resumed.already_complete
    assert resumed.applied == 0
    assert resumed.duplicates == first.applied
    assert len(seen) == first.applied
    row = await insights.fetchrow("SELECT * FROM demo_histories WHERE seed = 4")
    assert row is not None
    assert row["events_applied"] == first.applied
    assert row["completed_at"] == later
