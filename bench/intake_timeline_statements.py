"""Statements and CPU per event of intake's consumer path for other services' events, measured
without Kafka or HTTP: set-based runs against one statement per event.

    set -a; source .local/env; set +a
    uv run python -m bench.intake_timeline_statements [--tickets 5000] [--batch 12]

Files `--tickets` tickets straight into a fresh intake schema (analysed, as a running desk's
tables are), then applies to them, through intake's own event table and the inbox in batches
of `--batch` events (`inbox.apply_together`, as the consumer applies one fetch), what the
end-to-end workload gives intake per ticket: a `ticket.assigned` and two `sla.started`,
ordered by topic as a fetch over several partitions is. Prints, for the set-based handlers
and for the same handlers one event at a time, the statements per event, this process's CPU
and the Postgres backend's CPU per event.
"""

import argparse
import asyncio
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import asyncpg

from bench.infra import bench_infra
from bench.process_stats import cpu_seconds
from bench.routing_statements import StatementCount
from tests.integration.intake.conftest import intake_harness
from tests.support.clock import FakeClock
from tests.support.harness import apply_as_fetched, stop_unstarted_producers
from tests.support.schemas import fresh_schema
from ticketflow_common.envelope import Envelope, EventData, new_event
from ticketflow_common.events import SlaStarted, TicketAssigned
from ticketflow_common.inbox import Handler, SetHandler
from ticketflow_intake.settings import IntakeSettings


def events_of(ticket_id: uuid.UUID, now: datetime) -> list[EventData]:
    agent = uuid.uuid4()
    return [
        TicketAssigned(
            ticket_id=ticket_id, agent_id=agent, agent_name="李娜", team="bench", assigned_at=now
        ),
        *(
            SlaStarted(
                ticket_id=ticket_id,
                clock_id=uuid.uuid4(),
                metric=metric,
                policy="standard",
                target_seconds=3600,
                started_at=now,
                due_at=now + timedelta(hours=1),
            )
            for metric in ("first_response", "resolution")
        ),
    ]


async def file_tickets(conn: asyncpg.Connection, count: int, now: datetime) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(count)]
    await conn.execute(
        "INSERT INTO tickets (id, subject, description, requester, requester_id, priority,"
        " created_at, updated_at) SELECT id, '打印机卡纸', 'bench', '{}'::jsonb, 'u-1', 'normal',"
        " $2, $2 FROM unnest($1::uuid[]) AS id",
        ids,
        now,
    )
    await conn.execute("ANALYZE tickets")
    return ids


async def measure(
    *,
    pool: asyncpg.Pool,
    handlers: Mapping[str, Handler],
    batches: list[list[tuple[Envelope, EventData]]],
) -> tuple[float, float, float]:
    """(statements, client CPU ms, backend CPU ms) per event over `batches`."""
    count = StatementCount()
    async with pool.acquire() as conn:  # the pool's one connection: every batch uses it
        conn.add_query_logger(count)
        backend = await conn.fetchval("SELECT pg_backend_pid()")
    events = sum(len(b) for b in batches)
    cpu, server = time.process_time(), (cpu_seconds(backend) or 0.0)
    for batch in batches:
        await apply_as_fetched(pool=pool, events=batch, handlers=handlers)
    cpu, server = time.process_time() - cpu, (cpu_seconds(backend) or 0.0) - server
    async with pool.acquire() as conn:
        conn.remove_query_logger(count)
    return count.total / events, 1000 * cpu / events, 1000 * server / events


def one_at_a_time(handlers: Mapping[str, Handler]) -> dict[str, Handler]:
    return {t: h.each if isinstance(h, SetHandler) else h for t, h in handlers.items()}


async def main(*, tickets: int, batch: int) -> None:
    infra = bench_infra()
    settings = IntakeSettings(
        database_url=infra.database_url,
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        api_token="bench-intake-token-0123456789",  # noqa: S106 - a scratch schema's
    )
    async with fresh_schema(infra.database_url, "intake", max_size=1) as (pool, schema):
        clock = FakeClock(datetime.now(UTC))
        handlers = intake_harness(settings=settings, pool=pool, schema=schema, clock=clock).handlers
        async with pool.acquire() as conn:
            ids = await file_tickets(conn, tickets, clock())

        def batches_for(chosen: list[uuid.UUID]) -> list[list[tuple[Envelope, EventData]]]:
            events = [(t, d) for t in chosen for d in events_of(t, clock())]
            events.sort(key=lambda e: e[1].topic)  # a fetch is ordered by topic and partition
            enveloped = [
                (new_event(data, source="/bench", subject=str(ticket_id)), data)
                for ticket_id, data in events
            ]
            return [enveloped[i : i + batch] for i in range(0, len(enveloped), batch)]

        half = len(ids) // 2
        modes = {
            "set-based": (handlers, ids[:half]),
            "one event at a time": (one_at_a_time(handlers), ids[half:]),
        }
        for name, (chosen, on) in modes.items():
            await measure(pool=pool, handlers=chosen, batches=batches_for(on[:50]))  # warm-up
            statements, client, server = await measure(
                pool=pool, handlers=chosen, batches=batches_for(on[50:])
            )
            print(
                f"{name:20} batches of {batch}: {statements:.2f} statements/event,"
                f" {client:.3f} ms CPU/event (this process), {server:.3f} ms (its backend)"
            )
    await stop_unstarted_producers()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=12)
    args = parser.parse_args()
    asyncio.run(main(tickets=args.tickets, batch=args.batch))
