"""What starting a new ticket's SLA clocks costs sla: statements and CPU per `ticket.created`.

On a fresh sla schema of the real Postgres it applies `--tickets` `ticket.created` events, one
transaction each, through the handler the consumer calls (`start_ticket_clocks`: the ticket's
facts, its clocks, their timers and `sla.started` events), counting the statements the
connection sends (asyncpg's query logger) and this process's CPU. The consumer's inbox
statements and the Kafka side are not in it: `bench.profile_services` measures the whole service.

    set -a; source .local/env; set +a
    .venv/bin/python -m bench.sla_ticket_start [--tickets 2000]
"""

import argparse
import asyncio
import time
import uuid
from datetime import UTC, datetime

import asyncpg

from bench.infra import bench_infra
from tests.support.schemas import fresh_schema
from ticketflow_common.envelope import new_event
from ticketflow_common.events import TicketCreated
from ticketflow_sla.commands.clock_lifecycle import start_ticket_clocks


def created(n: int) -> TicketCreated:
    return TicketCreated(
        ticket_id=uuid.uuid4(),
        subject=f"bench {n}",
        priority=("normal", "urgent")[n % 2],
        status="new",
        required_skills=[],
        requester_id="u-1",
        created_at=datetime.now(UTC),
    )


async def apply(conn: asyncpg.Connection, event: TicketCreated) -> None:
    envelope = new_event(
        event, source="/bench", subject=str(event.ticket_id), time=event.created_at
    )
    async with conn.transaction():
        await start_ticket_clocks(conn=conn, envelope=envelope, event=event, now=event.created_at)


async def run(tickets: int) -> None:
    database_url = bench_infra().database_url
    async with (
        fresh_schema(database_url, "sla", max_size=1) as (pool, _schema),
        pool.acquire() as conn,
    ):
        for n in range(50):  # warm up: statements prepared, configuration read
            await apply(conn, created(n))
        statements = 0

        def count(_record: object) -> None:
            nonlocal statements
            statements += 1

        conn.add_query_logger(count)
        events = [created(n) for n in range(tickets)]
        cpu, wall = time.process_time(), time.perf_counter()
        for event in events:
            await apply(conn, event)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        conn.remove_query_logger(count)
        clocks = await conn.fetchval("SELECT count(*) FROM clocks")
        timers = await conn.fetchval("SELECT count(*) FROM timers")
    print(
        f"{tickets:,} tickets ({clocks:,} clocks, {timers:,} timers in all):"
        f" {statements / tickets:.1f} statements per ticket (transaction control included),"
        f" {1000 * cpu / tickets:.2f} ms CPU (this process) and {1000 * wall / tickets:.2f} ms"
        " wall per ticket"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=2000)
    asyncio.run(run(parser.parse_args().tickets))
