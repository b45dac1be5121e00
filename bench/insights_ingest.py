"""Insights ingestion: events per second through the live consumer path, and a full rebuild of
a million events from the topics (wall time, events/s, peak RSS of the rebuild process).

    .venv/bin/python -m bench.insights_ingest [--events 1000000] [--live-events 20000]

Synthetic events (tests/support/insights_facts.py: about 8 per ticket over every topic) are
published once to topics under a bench prefix of their own; the live phase runs the service's
own `EventConsumer` on insights' event table over the first `--live-events`; the rebuild runs
`rebuild_facts` in a child process over all of them. Schema and topics are removed afterwards.
The rebuild is bounded by `--rebuild-timeout` (default 10 min): past it, it is stopped and the
figures say how far it got.
"""

import argparse
import asyncio
import json
import resource
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

from bench.infra import bench_infra
from tests.kafka_helpers import delete_topics
from tests.support.insights_facts import synthetic_events
from ticketflow_common.clock import system_clock
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.db import create_pool
from ticketflow_common.envelope import Envelope
from ticketflow_common.event_table import handlers_for
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.topics import PARTITIONS, TopicNames, dlq_topic
from ticketflow_insights.commands.facts_rebuild import consumed_topics, rebuild_facts
from ticketflow_insights.messaging.events import FACTS_TABLE

START = datetime(2025, 1, 6, tzinfo=UTC)
TICKETS_PER_CHUNK = 2000


def event_chunks(total: int) -> Iterator[list[Envelope]]:
    """`total` synthetic events, a few thousand tickets at a time (memory stays flat)."""
    made, chunk = 0, 0
    while made < total:
        start = START + timedelta(seconds=chunk * TICKETS_PER_CHUNK * 7)
        envelopes = synthetic_events(start, tickets=TICKETS_PER_CHUNK, seed=chunk)
        envelopes = envelopes[: total - made]
        made += len(envelopes)
        chunk += 1
        yield envelopes


async def publish(producer: AIOKafkaProducer, names: TopicNames, envelopes: list[Envelope]) -> None:
    sent = [
        await producer.send(
            names.physical(EVENT_MODELS[e.type].topic), value=e.to_bytes(), key=e.subject.encode()
        )
        for e in envelopes
    ]
    await asyncio.gather(*sent)


async def processed(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn:
        count: int = await conn.fetchval("SELECT count(*) FROM processed_events")
        return count


async def live_phase(
    *,
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    names: TopicNames,
    bootstrap: str,
    events: int,
) -> dict[str, Any]:
    """The service's consumer over a backlog of `events`: applied per second until drained."""
    stop = asyncio.Event()
    consumer = EventConsumer(
        service="insights",
        pool=pool,
        producer=producer,
        bootstrap_servers=bootstrap,
        topics=consumed_topics(FACTS_TABLE),
        names=names,
        handlers=handlers_for(FACTS_TABLE, clock=system_clock),
        group_id=f"{names.prefix}insights",
    )
    started = time.perf_counter()
    task = asyncio.create_task(consumer.run(stop))
    while (done := await processed(pool)) < events and not task.done():  # noqa: ASYNC110
        await asyncio.sleep(0.25)  # a count in the database: nothing to wait on but time
    seconds = time.perf_counter() - started
    stop.set()
    await task
    return {
        "events": done,
        "seconds": round(seconds, 2),
        "events_per_second": round(done / seconds),
    }


async def rebuild_child(args: argparse.Namespace) -> None:
    """Runs in the child process: the rebuild on the bench's schema and topics."""
    pool = await create_pool(dsn=args.database_url, schema=args.schema, max_size=args.workers + 1)
    try:
        report = await rebuild_facts(
            pool=pool,
            table=FACTS_TABLE,
            bootstrap_servers=args.bootstrap,
            names=TopicNames(args.prefix),
            batch_size=args.batch_size,
            workers=args.workers,
        )
    finally:
        await pool.close()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({**report.as_dict(), "peak_rss_mib": round(peak_kib / 1024, 1)}))


async def rebuild_phase(
    *,
    database_url: str,
    schema: str,
    bootstrap: str,
    prefix: str,
    batch_size: int,
    workers: int,
    limit_seconds: float,
) -> dict[str, Any]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.insights_ingest", "rebuild-child",
        "--database-url", database_url, "--schema", schema, "--bootstrap", bootstrap,
        "--prefix", prefix, "--batch-size", str(batch_size), "--workers", str(workers),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    started = time.perf_counter()
    try:
        async with asyncio.timeout(limit_seconds):
            out, _ = await child.communicate()
    except TimeoutError:
        child.kill()
        await child.wait()
        return {"stopped_after_seconds": limit_seconds}
    wall = time.perf_counter() - started
    report: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return {**report, "wall_seconds": round(wall, 1)}


async def table_counts(pool: asyncpg.Pool) -> dict[str, int]:
    async with pool.acquire() as conn:
        return {
            t: await conn.fetchval(f"SELECT count(*) FROM {t}")
            for t in ("tickets", "arrivals", "ticket_status_dwell", "sla_clocks", "agents")
        }


async def main(args: argparse.Namespace) -> None:
    infra = bench_infra()
    names = TopicNames(f"bench{uuid.uuid4().hex[:8]}.")
    schema = f"insights_bench_{uuid.uuid4().hex[:8]}"
    topics = consumed_topics(FACTS_TABLE)
    bootstrap = infra.kafka_bootstrap_servers
    await ensure_topics(
        bootstrap_servers=bootstrap,
        names=names,
        partitions=PARTITIONS,
        only=[*topics, *(dlq_topic(t, "insights") for t in topics)],
    )
    pool = await create_pool(dsn=infra.database_url, schema=schema, max_size=PARTITIONS + 1)
    producer = AIOKafkaProducer(  # throughput over the contract's acks=all: it only loads data
        bootstrap_servers=bootstrap,
        client_id="bench-insights",
        acks=1,
        linger_ms=50,
        max_batch_size=512 * 1024,
    )
    await producer.start()
    figures: dict[str, Any] = {"events": args.events, "partitions": PARTITIONS}
    try:
        async with pool.acquire() as conn:
            await apply_migrations(
                conn=conn, schema=schema, migrations=service_migrations("insights")
            )
        chunks = event_chunks(args.events)
        published, started = 0, time.perf_counter()
        first: list[Envelope] = []
        while len(first) < args.live_events:
            first += next(chunks, [])
        live_events, rest = first[: args.live_events], first[args.live_events :]
        await publish(producer, names, live_events)
        published += len(live_events)
        figures["live"] = await live_phase(
            pool=pool, producer=producer, names=names, bootstrap=bootstrap, events=published
        )
        print("live:", figures["live"], flush=True)
        for chunk in [rest, *chunks]:
            await publish(producer, names, chunk)
            published += len(chunk)
        figures["publish_seconds"] = round(time.perf_counter() - started, 1)
        figures["published"] = published
        print(f"published {published} events", flush=True)
        figures["rebuild"] = await rebuild_phase(
            database_url=infra.database_url,
            schema=schema,
            bootstrap=bootstrap,
            prefix=names.prefix,
            batch_size=args.batch_size,
            workers=args.workers,
            limit_seconds=args.rebuild_timeout,
        )
        figures["facts"] = await table_counts(pool)
    finally:
        await producer.stop()
        async with pool.acquire() as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await pool.close()
        await delete_topics(bootstrap=bootstrap, prefix=names.prefix)
    print(json.dumps(figures, indent=2))


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command")
    child = commands.add_parser("rebuild-child", help="internal: the rebuild's own process")
    for flag in ("--database-url", "--schema", "--bootstrap", "--prefix"):
        child.add_argument(flag, required=True)
    child.add_argument("--batch-size", type=int, default=2000)
    child.add_argument("--workers", type=int, default=4)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--live-events", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rebuild-timeout", type=float, default=600.0)
    return parser


if __name__ == "__main__":
    parsed = arguments().parse_args()
    if parsed.command == "rebuild-child":
        asyncio.run(rebuild_child(parsed))
    else:
        asyncio.run(main(parsed))
