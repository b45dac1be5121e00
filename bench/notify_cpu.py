"""Notify's CPU per ticket, measured in one process without the rest of the system.

The four events the end-to-end workload gives notify per ticket (`ticket.created`,
`ticket.assigned`, two `sla.started`) are applied as the consumer applies an event (inbox,
event log and fan-out in one transaction, through notify's own event table) at a steady rate,
while notify's dispatcher sends the one webhook each ticket causes (an endpoint subscribed to
`ticket.assigned`) to a receiver in another process. Prints the process CPU (user + system)
per ticket from the first event until every delivery is delivered: a figure that depends on
notify's code and hardly on what else the machine runs, unlike the end-to-end bench's.

    set -a; source .local/env; set +a
    uv run python -m bench.notify_cpu [--tickets 400] [--rate 50] [--fetch 1 5]
"""

import argparse
import asyncio
import multiprocessing
import secrets
import time
import uuid
from datetime import UTC, datetime
from functools import partial
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import AnyHttpUrl

from bench.infra import bench_infra
from bench.notify_deliveries import serve_receiver, wait_listening
from bench.process_stats import cpu_seconds
from tests.polling import eventually
from tests.processes import free_port
from tests.support.harness import apply_as_fetched
from ticketflow_common.clock import system_clock
from ticketflow_common.db import create_pool
from ticketflow_common.envelope import Envelope, EventData, new_event
from ticketflow_common.events import SlaStarted, TicketAssigned, TicketCreated
from ticketflow_common.inbox import Handler, apply_once
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import TopicNames
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.adapters.senders import Senders
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.main import SPEC
from ticketflow_notify.settings import NotifySettings
from ticketflow_notify.store.endpoints import insert_endpoint
from ticketflow_notify.workers.dispatcher import Dispatcher


def ticket_events() -> list[tuple[Envelope, EventData]]:
    """One ticket's events as notify hears them."""
    ticket, now = uuid.uuid4(), datetime.now(UTC)
    found: list[EventData] = [
        TicketCreated(
            ticket_id=ticket,
            priority="urgent",
            team="network",
            language="en",
            required_skills=["vpn"],
            requester_id="u-1",
            subject="VPN drops every 10 minutes",
            requester_email="ada@example.com",
            created_at=now,
        ),
        TicketAssigned(
            ticket_id=ticket,
            agent_id=uuid.uuid4(),
            agent_name="Grace",
            team="network",
            assigned_at=now,
            agent_email="grace@example.com",
        ),
    ]
    for metric in ("first_response", "resolution"):
        found.append(
            SlaStarted(
                ticket_id=ticket,
                clock_id=uuid.uuid4(),
                metric=metric,
                policy="urgent",
                priority="urgent",
                team="network",
                target_seconds=3600,
                started_at=now,
                due_at=now,
            )
        )
    return [(new_event(d, source="/bench", subject=str(ticket), time=now), d) for d in found]


async def backends_cpu(pool: asyncpg.Pool) -> float:
    """CPU seconds the backends of this database have used (the pool keeps them open)."""
    pids = await pool.fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    return sum(cpu_seconds(r["pid"]) or 0.0 for r in pids)


async def delivered(pool: asyncpg.Pool) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM deliveries WHERE status = 'delivered'")
    return count


async def all_delivered(pool: asyncpg.Pool, expected: int) -> bool:
    return await delivered(pool) >= expected


async def apply_fetch(
    pool: asyncpg.Pool,
    handlers: dict[str, Handler],
    events: list[tuple[Envelope, EventData]],
    *,
    together: bool,
) -> None:
    """Each event alone (as before batching), or all as one fetch (by topic, as a fetch hands
    them over) in one transaction with the set-based forms."""
    if not together:
        for envelope, data in events:
            handler = handlers[envelope.type]
            await apply_once(pool=pool, envelope=envelope, payload=data, handler=handler)
        return
    ordered = sorted(events, key=lambda e: e[1].topic)
    await apply_as_fetched(pool=pool, events=ordered, handlers=handlers)


async def run(dsn: str, receiver_url: str, *, tickets: int, rate: float, fetch: int) -> None:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    pool = await create_pool(dsn=dsn, schema=schema, max_size=10)
    settings = NotifySettings(
        database_url=dsn,
        kafka_bootstrap_servers="127.0.0.1:9",
        api_token=secrets.token_urlsafe(24),
        allowed_private_networks=["127.0.0.0/8"],
    )
    try:
        async with pool.acquire() as conn:
            await apply_migrations(
                conn=conn, schema=schema, migrations=service_migrations("notify")
            )
            await insert_endpoint(
                conn=conn,
                endpoint_id=uuid.uuid4(),
                new=NewEndpoint(
                    url=AnyHttpUrl(f"{receiver_url}/hooks"), event_types=["ticket.assigned"]
                ),
                secret=f"whsec_bench-{uuid.uuid4().hex}",
            )
        producer = AIOKafkaProducer(bootstrap_servers="127.0.0.1:9")  # never started
        runtime = Runtime(
            service="notify",
            settings=settings,
            pool=pool,
            producer=producer,
            names=TopicNames(""),
            clock=system_clock,
        )
        handlers = SPEC.handlers(runtime)
        warm = [ticket_events() for _ in range(20)]
        load = [ticket_events() for _ in range(tickets)]
        stop = asyncio.Event()
        async with new_session() as http:
            dispatcher = Dispatcher(
                pool=pool,
                senders=Senders.from_settings(settings, http=http),
                clock=system_clock,
                policy=settings.outcome_policy(),
                timeout_seconds=settings.webhook_timeout_seconds,
                batch_size=settings.delivery_batch_size,
                concurrency=settings.delivery_concurrency,
            )
            sending = asyncio.create_task(
                dispatcher.run(stop, max_idle_seconds=settings.max_idle_seconds)
            )
            for round_, expected in ((warm, 20), (load, 20 + tickets)):
                backends_before = await backends_cpu(pool)
                cpu, started = time.process_time(), time.perf_counter()
                for n in range(0, len(round_), fetch):
                    events = [e for ticket in round_[n : n + fetch] for e in ticket]
                    await apply_fetch(pool, handlers, events, together=fetch > 1)
                    ahead = started + (n + fetch) / rate - time.perf_counter()
                    if ahead > 0:
                        await asyncio.sleep(ahead)
                await eventually(
                    partial(all_delivered, pool, expected),
                    what="every webhook delivered",
                    within=120,
                    interval=0.01,
                )
                used = time.process_time() - cpu
                backend = await backends_cpu(pool) - backends_before
            stop.set()
            await sending
        await producer.stop()
        done = await delivered(pool) - 20
        print(
            f"{tickets} tickets at {rate:g}/s: {done} webhooks delivered;"
            f" notify CPU {1000 * used / tickets:.2f} ms per ticket,"
            f" its Postgres backends {1000 * backend / tickets:.2f} ms"
            f" ({'one at a time' if fetch == 1 else f'fetches of {fetch} tickets'})"
            f" ({time.perf_counter() - started:.1f} s)"
        )
    finally:
        await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await pool.close()


async def main_async(args: argparse.Namespace) -> None:
    dsn = bench_infra().database_url
    name = f"tf_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    bench_dsn = urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))
    port = free_port()
    receiver = multiprocessing.get_context("spawn").Process(
        target=serve_receiver, args=(port, 0.0), daemon=True
    )
    receiver.start()
    try:
        await wait_listening(port)
        for _ in range(args.runs):
            for fetch in args.fetch:
                await run(
                    bench_dsn,
                    f"http://127.0.0.1:{port}",
                    tickets=args.tickets,
                    rate=args.rate,
                    fetch=fetch,
                )
    finally:
        receiver.terminate()
        receiver.join(10)
        admin = await asyncpg.connect(dsn)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=400)
    parser.add_argument("--rate", type=float, default=50.0, help="tickets per second")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument(
        "--fetch",
        type=int,
        nargs="+",
        default=[1, 5],
        help="tickets a fetch: 1 applies each event alone, more as the consumer applies a fetch",
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
