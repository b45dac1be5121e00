"""Notify delivery benchmark: deliveries/s to a local receiver and event-to-delivery latency.

Two scenarios, each with the receiver healthy and with 20% of its answers failing (HTTP 500):
  throughput  N events fanned out to E webhook endpoints up front, then two dispatcher replicas
              (own pools, one process) drain them: deliveries/s and attempts/s;
  latency     events published at a steady rate while the replicas run, as the consumer would:
              p50/p99 from the event's time to its successful delivery.
The receiver is a separate process. Retries use a short bench schedule (0, 0.2, 0.5, 1, 2, 4 s)
so failing deliveries finish within the run. Bounded: about a minute with the defaults.

    set -a; source .local/env; set +a
    uv run python -m bench.notify_deliveries [--events 1500] [--rate 100] [--seconds 6]
"""

import argparse
import asyncio
import multiprocessing
import random
import resource
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg
import uvicorn
from pydantic import AnyHttpUrl

from bench.infra import bench_infra
from tests.polling import eventually
from tests.processes import free_port
from ticketflow_common.clock import system_clock
from ticketflow_common.db import create_pool
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import SlaBreached
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.adapters.senders import Senders
from ticketflow_notify.commands.fan_out import fan_out
from ticketflow_notify.domain.endpoint_health import HealthPolicy
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.domain.outcomes import OutcomePolicy
from ticketflow_notify.domain.quiet_hours import QuietHoursPolicy
from ticketflow_notify.settings import NotifySettings
from ticketflow_notify.store.endpoints import insert_endpoint
from ticketflow_notify.workers.dispatcher import Dispatcher

BENCH_SCHEDULE = [0.0, 0.2, 0.5, 1.0, 2.0, 4.0]
POLICY = QuietHoursPolicy(bypass_types=frozenset())
ASGIReceive = Callable[[], Awaitable[dict[str, Any]]]
ASGISend = Callable[[dict[str, Any]], Awaitable[None]]


def serve_receiver(port: int, fail_ratio: float) -> None:
    """A bare ASGI receiver: 204, or 500 for `fail_ratio` of the requests at random."""
    rng = random.Random(7)

    async def app(scope: dict[str, Any], receive: ASGIReceive, send: ASGISend) -> None:
        more = True
        while more:
            message = await receive()
            more = bool(message.get("more_body", False))
        status = 500 if rng.random() < fail_ratio else 204
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="error", access_log=False, lifespan="off"
    )


async def wait_listening(port: int, within: float = 15.0) -> None:
    async def accepts() -> bool:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return False
        writer.close()
        return True

    await eventually(accepts, what=f"the receiver on port {port}", within=within, interval=0.05)


def breach() -> tuple[Envelope, SlaBreached]:
    ticket = uuid.uuid4()
    now = datetime.now(UTC)
    data = SlaBreached(
        ticket_id=ticket,
        clock_id=uuid.uuid4(),
        metric="first_response",
        policy="urgent",
        priority="urgent",
        team="network",
        due_at=now,
        fired_at=now,
    )
    return new_event(data, source="/bench/sla", subject=str(ticket), time=now), data


async def fan_out_events(pool: asyncpg.Pool, events: list[tuple[Envelope, SlaBreached]]) -> None:
    """What notify's consumer does with each event, in one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        for envelope, data in events:
            await fan_out(
                conn=conn, envelope=envelope, event=data, now=datetime.now(UTC), policy=POLICY
            )


@dataclass
class Figures:
    deliveries: int
    failed: int
    attempts: int
    seconds: float
    p50_ms: float | None
    p99_ms: float | None


async def outcome(pool: asyncpg.Pool) -> tuple[int, int, int, int]:
    row = await pool.fetchrow(
        "SELECT count(*) FILTER (WHERE status = 'delivered') AS delivered,"
        " count(*) FILTER (WHERE status = 'failed') AS failed,"
        " count(*) FILTER (WHERE status = 'pending') AS pending,"
        " coalesce(sum(attempts), 0) AS attempts FROM deliveries"
    )
    return row["delivered"], row["failed"], row["pending"], row["attempts"]


async def latency(pool: asyncpg.Pool) -> tuple[float | None, float | None]:
    row = await pool.fetchrow(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,"
        " percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99 FROM ("
        " SELECT extract(epoch FROM delivered_at - event_time) * 1000 AS ms FROM deliveries"
        " WHERE status = 'delivered') t"
    )
    return row["p50"], row["p99"]


async def until_settled(pool: asyncpg.Pool, *, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if (await outcome(pool))[2] == 0:
            return
        await asyncio.sleep(0.02)


class Bench:
    def __init__(self, *, dsn: str, receiver_url: str, endpoints: int) -> None:
        self.dsn = dsn
        self.receiver_url = receiver_url
        self.endpoints = endpoints

    async def fresh_schema(self) -> tuple[str, asyncpg.Pool]:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        pool = await create_pool(dsn=self.dsn, schema=schema, max_size=8)
        async with pool.acquire() as conn:
            await apply_migrations(
                conn=conn, schema=schema, migrations=service_migrations("notify")
            )
            for n in range(self.endpoints):
                await insert_endpoint(
                    conn=conn,
                    endpoint_id=uuid.uuid4(),
                    new=NewEndpoint(url=AnyHttpUrl(f"{self.receiver_url}/hooks/{n}")),
                    secret=f"whsec_bench-{n}-{uuid.uuid4().hex}",
                )
        return schema, pool

    async def replicas(
        self, schema: str, http: aiohttp.ClientSession, stop: asyncio.Event
    ) -> tuple[list[asyncpg.Pool], list[asyncio.Task[None]]]:
        settings = NotifySettings(
            database_url=self.dsn,
            kafka_bootstrap_servers="127.0.0.1:9",
            api_token=secrets.token_urlsafe(24),
            allowed_private_networks=["127.0.0.0/8"],
        )
        pools, tasks = [], []
        for _ in range(2):
            pool = await create_pool(dsn=self.dsn, schema=schema, max_size=10)
            dispatcher = Dispatcher(
                pool=pool,
                senders=Senders.from_settings(settings, http=http, timeout_seconds=15),
                clock=system_clock,
                policy=OutcomePolicy(
                    retry_schedule=BENCH_SCHEDULE,
                    health=HealthPolicy(
                        failure_threshold=50, open_seconds=1, disable_after_seconds=86_400
                    ),
                ),
                timeout_seconds=15,
                batch_size=100,
                concurrency=64,
            )
            pools.append(pool)
            tasks.append(asyncio.create_task(dispatcher.run(stop, max_idle_seconds=0.25)))
        return pools, tasks

    async def scenario(self, kind: str, *, events: int, rate: float, seconds: float) -> Figures:
        schema, pool = await self.fresh_schema()
        stop = asyncio.Event()
        try:
            async with new_session() as http:
                if kind == "throughput":
                    for start in range(0, events, 100):
                        await fan_out_events(
                            pool, [breach() for _ in range(min(100, events - start))]
                        )
                    started = time.perf_counter()
                    pools, tasks = await self.replicas(schema, http, stop)
                    await until_settled(pool, within=120)
                else:
                    pools, tasks = await self.replicas(schema, http, stop)
                    started = time.perf_counter()
                    total = int(rate * seconds)
                    for n in range(total):
                        await fan_out_events(pool, [breach()])
                        ahead = started + (n + 1) / rate - time.perf_counter()
                        if ahead > 0:
                            await asyncio.sleep(ahead)
                    await until_settled(pool, within=60)
                elapsed = time.perf_counter() - started
                stop.set()
                await asyncio.gather(*tasks)
                for replica_pool in pools:
                    await replica_pool.close()
            delivered, failed, _pending, attempts = await outcome(pool)
            p50, p99 = await latency(pool)
            return Figures(delivered, failed, attempts, elapsed, p50, p99)
        finally:
            await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
            await pool.close()


def print_figures(label: str, figures: Figures, kind: str) -> None:
    rate = figures.deliveries / figures.seconds if figures.seconds else 0.0
    attempts = figures.attempts / figures.seconds if figures.seconds else 0.0
    p50 = f"{figures.p50_ms:.1f}" if figures.p50_ms is not None else "-"
    p99 = f"{figures.p99_ms:.1f}" if figures.p99_ms is not None else "-"
    timing = (
        f"  event->delivery p50={p50} ms p99={p99} ms"
        if kind == "latency"
        else "  (preloaded backlog: no latency figure)"
    )
    print(
        f"{label:<22} {kind:<10} delivered={figures.deliveries:<5} failed={figures.failed:<3}"
        f" attempts={figures.attempts:<5} {figures.seconds:6.2f}s"
        f"  {rate:7.1f} deliveries/s  {attempts:7.1f} attempts/s{timing}"
    )


async def main_async(args: argparse.Namespace) -> None:
    dsn = bench_infra().database_url
    name = f"tf_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    parts = urlsplit(dsn)
    bench_dsn = urlunsplit(parts._replace(path=f"/{name}"))
    spawn = multiprocessing.get_context("spawn")
    try:
        for label, fail_ratio in (("receiver healthy", 0.0), ("receiver 20% failing", 0.2)):
            port = free_port()
            receiver = spawn.Process(target=serve_receiver, args=(port, fail_ratio), daemon=True)
            receiver.start()
            try:
                await wait_listening(port)
                bench = Bench(
                    dsn=bench_dsn,
                    receiver_url=f"http://127.0.0.1:{port}",
                    endpoints=args.endpoints,
                )
                for kind in ("throughput", "latency"):
                    figures = await bench.scenario(
                        kind, events=args.events, rate=args.rate, seconds=args.seconds
                    )
                    print_figures(label, figures, kind)
            finally:
                receiver.terminate()
                receiver.join(10)
    finally:
        admin = await asyncpg.connect(dsn)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the notify side: {peak_mb:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1500, help="throughput: events preloaded")
    parser.add_argument("--endpoints", type=int, default=2, help="webhook endpoints per event")
    parser.add_argument("--rate", type=float, default=100.0, help="latency: events per second")
    parser.add_argument("--seconds", type=float, default=6.0, help="latency: publishing time")
    args = parser.parse_args()
    print(
        f"notify deliveries: {args.endpoints} endpoints (max 16 in flight each), 2 replicas x 64,"
        f" retry schedule {BENCH_SCHEDULE} s"
    )
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
