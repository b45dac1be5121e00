"""Every running service prunes its processed-event records beyond the retention horizon."""

import uuid

import asyncpg
import httpx
import pytest

from tests.polling import eventually
from tests.running_system import SERVICES, System

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system_env() -> dict[str, str]:
    """Pruning every 0.2 s instead of every 10 minutes, so the test need not wait."""
    return {f"{s.upper()}_PROCESSED_EVENTS_PRUNE_INTERVAL_SECONDS": "0.2" for s in SERVICES}


def pruned_total(metrics: str, service: str) -> float:
    prefix = f'ticketflow_processed_events_pruned_total{{service="{service}"}} '
    values = [
        float(line[len(prefix) :]) for line in metrics.splitlines() if line.startswith(prefix)
    ]
    return values[0] if values else 0.0


async def test_each_service_forgets_records_older_than_the_horizon_and_counts_them(
    system: System,
) -> None:
    old, recent = {s: uuid.uuid4() for s in SERVICES}, {s: uuid.uuid4() for s in SERVICES}
    conn = await asyncpg.connect(system.database_url)
    try:
        for service in SERVICES:
            await conn.execute(
                f'INSERT INTO "{service}".processed_events (event_id, event_type, processed_at)'
                " VALUES ($1, 'ticket.created', now() - interval '31 days'),"
                " ($2, 'ticket.created', now() - interval '29 days')",
                old[service],
                recent[service],
            )

        async def remaining() -> dict[str, set[uuid.UUID]]:
            found = {}
            for service in SERVICES:
                rows = await conn.fetch(
                    f'SELECT event_id FROM "{service}".processed_events WHERE event_id = ANY($1)',
                    [old[service], recent[service]],
                )
                found[service] = {r["event_id"] for r in rows}
            return found

        async def only_recent_left() -> bool:
            return await remaining() == {s: {recent[s]} for s in SERVICES}

        await eventually(only_recent_left, what="every service to prune its old record")
    finally:
        await conn.close()
    async with httpx.AsyncClient(timeout=10) as http:
        for service in SERVICES:
            metrics = (await http.get(f"{system.url(service)}/metrics")).text
            assert pruned_total(metrics, service) >= 1, service
