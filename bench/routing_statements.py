"""Statements and CPU per ticket of routing's consumer path, measured without Kafka or HTTP.

    set -a; source .local/env; set +a
    uv run python -m bench.routing_statements [--tickets 2000] [--batch 10] [--agents 10]

Applies `ticket.created` events to routing's own event table through the inbox in batches
(`inbox.apply_together`, as the consumer does with one fetch), on a fresh schema holding
`--agents` agents of one team and skill (the end-to-end bench's desk), and prints the SQL
statements each ticket cost (BEGIN/COMMIT included, counted by asyncpg's query logger) and
the Python CPU per ticket of this process. Every ticket is assigned, as in the end-to-end run.
"""

import argparse
import asyncio
import contextlib
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

from asyncpg.connection import LoggedQuery

from bench.infra import bench_infra
from tests.support.clock import FakeClock
from tests.support.harness import harness_runtime, stop_unstarted_producers
from tests.support.schemas import fresh_schema
from ticketflow_common.audit import SYSTEM_ACTOR
from ticketflow_common.envelope import new_event
from ticketflow_common.events import TicketCreated
from ticketflow_common.inbox import ParsedEvent, apply_together
from ticketflow_routing.commands.agents import create_agent
from ticketflow_routing.domain.agents import NewAgent
from ticketflow_routing.main import SPEC
from ticketflow_routing.settings import RoutingSettings


class StatementCount:
    """Counts each statement a connection sends, by its first words."""

    def __init__(self) -> None:
        self.by_kind: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()

    def __call__(self, record: LoggedQuery) -> None:
        kind = " ".join(record.query.split()[:3])[:60]
        self.by_kind[kind] += 1
        self.seconds[kind] += record.elapsed

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def created(n: int, now: datetime) -> TicketCreated:
    return TicketCreated(
        ticket_id=uuid.uuid4(),
        status="new",
        priority="normal",
        required_skills=["bench"],
        requester_id=f"u-{n % 100}",
        subject=f"statements {n}",
        created_at=now,
    )


async def main(*, tickets: int, batch: int, agents: int) -> None:
    infra = bench_infra()
    settings = RoutingSettings(
        database_url=infra.database_url,
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        api_token="bench-routing-token-0123456789",  # noqa: S106 - a scratch schema's
    )
    async with fresh_schema(infra.database_url, "routing", max_size=1) as (pool, _schema):
        clock = FakeClock(datetime.now(UTC))
        runtime = harness_runtime(
            service="routing",
            settings=settings,
            pool=pool,
            clock=clock,
            kafka_bootstrap=infra.kafka_bootstrap_servers,
        )
        handlers = SPEC.handlers(runtime)
        policy = settings.routing_policy()
        async with pool.acquire() as conn:
            for n in range(agents):
                new = NewAgent(name=f"a{n}", team="bench", skills=["bench"], capacity=1000)
                await create_agent(
                    conn=conn, new=new, now=clock(), policy=policy, actor=SYSTEM_ACTOR
                )
        count = StatementCount()
        async with pool.acquire() as conn:  # the pool's one connection: every batch uses it
            conn.add_query_logger(count)

        async def apply(first: int, size: int) -> None:
            events = []
            for n in range(first, first + size):
                data = created(n, clock())
                envelope = new_event(data, source="/bench", subject=str(data.ticket_id))
                events.append(ParsedEvent(None, envelope, data, handlers[envelope.type]))
            await apply_together(
                pool=pool, events=events, span_for=lambda _e: contextlib.nullcontext()
            )

        await apply(0, batch)  # warm-up: prepared statements, caches
        count.by_kind.clear()
        count.seconds.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        for first in range(batch, batch + tickets, batch):
            await apply(first, batch)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        async with pool.acquire() as conn:
            owned = await conn.fetchval("SELECT count(*) FROM assignments")
        print(
            f"{tickets} ticket.created in batches of {batch}, {agents} agents: {owned} owned;"
            f" {count.total / tickets:.2f} statements/ticket,"
            f" {1000 * cpu / tickets:.3f} ms CPU/ticket (this process), {tickets / wall:.0f}/s"
        )
        for kind, n in count.by_kind.most_common():
            print(f"  {n / tickets:6.2f}  {1000 * count.seconds[kind] / n:7.3f} ms each  {kind}")
    await stop_unstarted_producers()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--agents", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(tickets=args.tickets, batch=args.batch, agents=args.agents))
