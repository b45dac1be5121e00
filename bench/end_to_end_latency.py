"""End-to-end latency: `POST /tickets` to `ticket.assigned` on the bus, and to its webhook.

Run: `uv run python -m bench.end_to_end_latency [--rates 10 50 100] [--seconds 20]`. Starts the
four services as processes (fresh database, 12-partition topics), a local webhook receiver and
a Kafka reader of routing's topic, files tickets with open-loop (Poisson) arrivals at each rate
and prints p50/p99/p99.9 of both latencies, measured from each POST's scheduled instant, with
each service's CPU and peak memory over that rate.
"""

import argparse
import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.http_load import run_open_loop
from bench.infra import bench_infra
from bench.latency import summarise
from bench.process_stats import listening_pid, tree_cpu_seconds, watching
from tests.conftest import fresh_database
from tests.infra import Infra
from tests.polling import eventually
from tests.processes import free_port
from tests.running_system import System, running_system, serving
from ticketflow_common.kafka import FETCH_MAX_WAIT_MS
from ticketflow_common.topics import ROUTING, TICKETS

ROOT = Path(__file__).resolve().parents[1]
RATES = [10, 25, 50, 100]


# Kafka record timestamps (the producer's clock, ms since the epoch) on this bench's clock.
WALL_TO_PERF = time.time() - time.perf_counter()


class Arrivals:
    """When each ticket's assignment was seen on the bus and at the webhook receiver, and
    when each step of its path happened (the hops)."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.answered_at: dict[str, float] = {}
        self.created_on_bus: dict[str, float] = {}  # intake's relay produced ticket.created
        self.assigned_on_bus: dict[str, float] = {}  # routing's relay produced ticket.assigned
        self.created_events: dict[str, str] = {}  # ticket.created's event id -> its ticket
        self.routing_started: dict[str, float] = {}  # routing's transaction applying it began
        self.handler_began: dict[str, float] = {}  # its handler began: ticket.assigned's time
        self.on_bus: dict[str, float] = {}
        self.at_webhook: dict[str, float] = {}

    def answered(self, _n: int, scheduled: float, status: int, body: bytes) -> None:
        if status == 201:
            ticket = json.loads(body)["id"]
            self.sent[ticket] = scheduled
            self.answered_at[ticket] = time.perf_counter()

    def on_the_bus(self, event: dict[str, Any], timestamp_ms: int, *, read_at: float) -> None:
        """An event read from the bus: a ticket's creation or assignment, when it was produced
        (its Kafka timestamp) and, for the assignment, when the reader got it."""
        produced = {"ticket.created": self.created_on_bus, "ticket.assigned": self.assigned_on_bus}
        kind, ticket = event.get("type"), event.get("subject")
        if kind not in produced or not isinstance(ticket, str):
            return
        produced[kind].setdefault(ticket, timestamp_ms / 1000 - WALL_TO_PERF)
        if kind == "ticket.created" and isinstance(event.get("id"), str):
            self.created_events.setdefault(event["id"], ticket)
        if kind == "ticket.assigned":
            self.on_bus.setdefault(ticket, read_at)
            began = datetime.fromisoformat(str(event.get("time"))).timestamp()  # handler's now
            self.handler_began.setdefault(ticket, began - WALL_TO_PERF)

    async def read_routing_starts(self, database_url: str) -> None:
        """When routing's transaction applying each ticket.created began: its processed-event
        record's `processed_at` (the transaction's `now()`), on this bench's clock. Only the
        events not read at an earlier rate are asked for."""
        unread = [e for e, t in self.created_events.items() if t not in self.routing_started]
        conn = await asyncpg.connect(database_url)
        try:
            rows = await conn.fetch(
                "SELECT event_id::text AS id, extract(epoch FROM processed_at)::float8 AS at"
                " FROM routing.processed_events WHERE event_id = ANY($1::uuid[])",
                unread,
            )
        finally:
            await conn.close()
        for row in rows:
            self.routing_started[self.created_events[row["id"]]] = row["at"] - WALL_TO_PERF

    async def receive(self, request: Request) -> Response:
        event = json.loads(await request.body())
        if event["type"] == "ticket.assigned":
            self.at_webhook.setdefault(event["subject"], time.perf_counter())
        return Response(status_code=204)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hooks", self.receive, methods=["POST"])])

    def latencies(self, tickets: set[str]) -> dict[str, Any]:
        def since_sent(seen: dict[str, float]) -> list[float]:
            return [(seen[t] - self.sent[t]) * 1000 for t in tickets if t in seen]

        def between(start: dict[str, float], end: dict[str, float]) -> dict[str, float | int]:
            both = [t for t in tickets if t in start and t in end]
            return summarise([(end[t] - start[t]) * 1000 for t in both])

        return {
            "to_bus": summarise(since_sent(self.on_bus)),
            "to_webhook": summarise(since_sent(self.at_webhook)),
            # Where the time goes: the POST's answer, intake's relay, routing (fetch, assign,
            # its relay), the bus to a reader, notify (fetch, fan-out, dispatch, the send).
            "hops": {
                "post": between(self.sent, self.answered_at),
                "intake_relay": between(self.answered_at, self.created_on_bus),
                "routing": between(self.created_on_bus, self.assigned_on_bus),
                "routing_fetch": between(self.created_on_bus, self.routing_started),
                "routing_in_batch": between(self.routing_started, self.handler_began),
                "routing_apply_relay": between(self.handler_began, self.assigned_on_bus),
                "bus_to_reader": between(self.assigned_on_bus, self.on_bus),
                "notify": between(self.assigned_on_bus, self.at_webhook),
            },
        }


async def read_assignments(system: System, arrivals: Arrivals, stop: asyncio.Event) -> None:
    """Note when each ticket's first `ticket.assigned` reached the bus (routing's topic), and
    when it and `ticket.created` were produced."""
    consumer = AIOKafkaConsumer(
        system.names.physical(ROUTING),
        system.names.physical(TICKETS),
        bootstrap_servers=system.kafka_bootstrap,
        auto_offset_reset="earliest",  # the topic is this run's own: miss nothing
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,  # as the services: the reader adds no wait
    )
    await consumer.start()
    try:
        while not stop.is_set():
            for records in (await consumer.getmany(timeout_ms=100)).values():
                now = time.perf_counter()
                for record in records:
                    event = json.loads(record.value or b"{}")
                    arrivals.on_the_bus(event, record.timestamp, read_at=now)
    finally:
        await consumer.stop()


def infra_servers(system: System) -> dict[str, int]:
    """The local Postgres (postmaster) and Kafka broker serving this run, when they run here:
    their CPU is part of what a ticket costs (other work on them counts too: run alone)."""
    found = {}
    for name, address in (("postgres", system.database_url), ("kafka", system.kafka_bootstrap)):
        port = urlsplit(address if "//" in address else f"//{address}").port
        pid = listening_pid(port) if port else None
        if pid is not None:
            found[name] = pid
    return found


async def events_processed(system: System) -> dict[str, float]:
    """Per service, the events its consumer has applied so far (its own `/metrics`)."""
    counts: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=10) as http:
        for name in system.services:
            text = (await http.get(f"{system.url(name)}/metrics")).text
            counts[name] = sum(
                sample.value
                for family in text_string_to_metric_families(text)
                for sample in family.samples
                if sample.name == "ticketflow_events_consumed_total"
                and sample.labels.get("outcome") == "processed"
            )
    return counts


def per_event(
    services: dict[str, dict[str, float]], before: dict[str, float], after: dict[str, float]
) -> dict[str, dict[str, float]]:
    """Each service's events applied and CPU milliseconds per event over one rate."""
    rows = {}
    for name, stats in services.items():
        events = after.get(name, 0.0) - before.get(name, 0.0)
        rows[name] = {
            "events": events,
            "cpu_ms_per_event": round(1000 * stats["cpu_s"] / events, 3) if events else 0.0,
        }
    return rows


async def configure(system: System, receiver_url: str) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        for n in range(10):
            answer = await http.post(
                f"{system.url('routing')}/agents",
                json={"name": f"a{n}", "team": "bench", "skills": ["bench"], "capacity": 1000},
                headers=system.auth("routing"),
            )
            answer.raise_for_status()
        answer = await http.post(
            f"{system.url('notify')}/endpoints",
            json={"url": receiver_url, "event_types": ["ticket.assigned"]},
            headers=system.auth("notify"),
        )
        answer.raise_for_status()


async def one_rate(
    system: System, arrivals: Arrivals, rate: float, seconds: float
) -> dict[str, Any]:
    before = set(arrivals.sent)
    applied_before = await events_processed(system)
    servers = infra_servers(system)
    servers_before = {name: tree_cpu_seconds(pid) for name, pid in servers.items()}
    pids = [(name, p.process.pid) for name, p in system.services.items() if p.process]
    async with watching(pids) as watch:
        filed = await run_open_loop(
            url=f"{system.url('intake')}/tickets",
            body=lambda n: {
                "subject": f"e2e {rate:g}/s {n}",
                "requester": {"id": f"u-{n % 100}"},
                "required_skills": ["bench"],
            },
            headers=system.auth("intake"),
            per_second=rate,
            seconds=seconds,
            on_answer=arrivals.answered,
        )
        tickets = set(arrivals.sent) - before

        async def all_delivered() -> bool:
            return tickets <= arrivals.at_webhook.keys() and tickets <= arrivals.on_bus.keys()

        with contextlib.suppress(AssertionError):
            await eventually(all_delivered, what="every assignment delivered", within=120)
        await arrivals.read_routing_starts(system.database_url)
    services = watch.by_name()
    for name, pid in servers.items():
        before_s, after_s = servers_before[name], tree_cpu_seconds(pid)
        if before_s is not None and after_s is not None:
            services[name] = {"cpu_s": round(after_s - before_s, 2), "peak_rss_mib": 0.0}
    return {
        "offered_per_s": rate,
        "tickets": len(tickets),
        "post": filed.row(),
        **arrivals.latencies(tickets),
        "missing_at_webhook": len(tickets - arrivals.at_webhook.keys()),
        "services": services,
        "events": per_event(services, applied_before, await events_processed(system)),
    }


@contextlib.asynccontextmanager
async def measured_system(
    infra: Infra, arrivals: Arrivals, *, partitions: int = 12
) -> AsyncIterator[System]:
    """The four services on a fresh database, configured, with the webhook receiver serving
    `arrivals`: what every end-to-end measurement runs against."""
    logs = ROOT / ".local" / "bench-e2e"
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    async with (
        fresh_database(infra) as database_url,
        running_system(
            database_url=database_url,
            kafka_bootstrap=infra.kafka_bootstrap_servers,
            logs=logs,
            partitions=partitions,
            extra_env={f"{s}_LOG_LEVEL": "WARNING" for s in ("INTAKE", "ROUTING", "SLA", "NOTIFY")},
        ) as system,
        serving(arrivals.app(), port),
    ):
        await configure(system, f"http://127.0.0.1:{port}/hooks")
        yield system


async def run(
    *,
    infra: Infra,
    rates: list[float],
    seconds: float,
    partitions: int = 12,
    warmup_seconds: float = 5.0,
) -> list[dict[str, Any]]:
    """Every rate against one running system; rows of latencies and per-service CPU/memory."""
    arrivals = Arrivals()
    rows = []
    async with measured_system(infra, arrivals, partitions=partitions) as system:
        stop = asyncio.Event()
        reader = asyncio.create_task(read_assignments(system, arrivals, stop))
        try:
            if warmup_seconds:  # pools' connections opened, statements prepared: not measured
                warm = await one_rate(system, arrivals, min(rates), warmup_seconds)
                print(f"  warm-up at {min(rates):g}/s, not counted: to bus {warm['to_bus']}")
            for rate in rates:
                rows.append(await one_rate(system, arrivals, rate, seconds))
                print_row(rows[-1])
        finally:
            stop.set()
            await reader
    return rows


def print_row(row: dict[str, Any]) -> None:
    """Latencies, then per service CPU per ticket, events per ticket, CPU per event, RSS."""
    bus, hook, tickets = row["to_bus"], row["to_webhook"], max(1, row["tickets"])
    print(
        f"  {row['offered_per_s']:>5g}/s: {row['tickets']} tickets; POST->bus p50"
        f" {bus.get('p50_ms')} p99 {bus.get('p99_ms')} ms; POST->webhook p50"
        f" {hook.get('p50_ms')} p99 {hook.get('p99_ms')} ms",
        flush=True,
    )
    hops = row.get("hops", {})
    print(
        "      hops p50/p99 ms: "
        + "; ".join(f"{name} {h.get('p50_ms')}/{h.get('p99_ms')}" for name, h in hops.items()),
        flush=True,
    )
    total = 0.0
    for name, stats in row["services"].items():
        events = row["events"].get(name, {})
        per_ticket = 1000 * stats["cpu_s"] / tickets
        if name in ("postgres", "kafka"):
            print(f"      {name:<9} {per_ticket:6.2f} ms CPU/ticket (the server, all its work)")
            continue
        total += per_ticket
        events_per_ticket = events.get("events", 0) / tickets
        print(
            f"      {name:<9} {per_ticket:6.2f} ms CPU/ticket, {events_per_ticket:4.2f}"
            f" events/ticket, {events.get('cpu_ms_per_event', 0):6.2f} ms/event,"
            f" peak RSS {stats['peak_rss_mib']} MiB",
            flush=True,
        )
    print(f"      services  {total:6.2f} ms CPU/ticket", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", type=float, nargs="+", default=RATES)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--partitions", type=int, default=12)
    parser.add_argument("--warmup-seconds", type=float, default=5.0)
    args = parser.parse_args()
    rows = asyncio.run(
        run(
            infra=bench_infra(),
            rates=args.rates,
            seconds=args.seconds,
            partitions=args.partitions,
            warmup_seconds=args.warmup_seconds,
        )
    )
    print(json.dumps(rows, indent=2))
