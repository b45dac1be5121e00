"""SLA at ten million active timers: load time and size, fire lateness, memory, breach to webhook.

In a scratch database and topic prefix (both dropped afterwards) it loads `--timers` running
clocks, each with a pending breach timer due 1 to 30 days ahead, in SQL (`generate_series`,
sequential ids; secondary indexes and the timers' foreign key built once after the rows, as a
restore does), and prints the load time and the tables' and indexes' sizes and the plan of the
due-timer claim. It then starts one sla and one notify process, subscribes a local webhook
receiver to `sla.breached`, and adds `--due` clocks whose breach timers fall due evenly over
`--seconds`, starting a few seconds ahead. It prints, for those:
- fire lateness, `fired_at - due_at` from the timers table;
- breach to webhook: when the receiver got the breach minus its `due_at` (what a person
  waiting on the breach sees) and minus its `fired_at` (the bus and notify's share);
- the sla process's RSS (sampled every 0.25 s; peak) and notify's.

    set -a; source .local/env; set +a
    .venv/bin/python -m bench.sla_timer_scale [--timers 10000000] [--due 3000] [--seconds 60]
"""

import argparse
import asyncio
import json
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.infra import bench_infra
from bench.latency import summarise
from bench.service_processes import (
    Replica,
    Scratch,
    print_replicas,
    scratch,
    start_replicas,
    stop_replicas,
)
from tests.processes import free_port
from tests.running_system import serving
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.topics import SLA, TopicNames

SCHEMA = "sla"
CHUNK = 1_000_000
SECONDARY = ("timers_pending", "timers_by_clock", "clocks_started_at")
"""Indexes built once after the load (their definitions are read from the schema first)."""
TIMER_FK = "timers_clock_id_fkey"
CLOCK = (
    "INSERT INTO {schema}.clocks (id, ticket_id, metric, cycle, policy, calendar, target_seconds,"
    " state, started_at, used_seconds, running_since, due_at)"
    " SELECT ({prefix} || lpad(to_hex(i), 24, '0'))::uuid, ({prefix} || lpad(to_hex(i), 24, '0'))"
    "::uuid, 'resolution', 1, 'bench', '24x7', 3600, 'running', d.due - interval '1 hour', 0,"
    " d.due - interval '1 hour', d.due"
    " FROM generate_series($1::bigint, $2::bigint) i,"
    " LATERAL (SELECT $3::timestamptz + i * $4::float8 * interval '1 second' AS due) d"
)
TIMER = (
    "INSERT INTO {schema}.timers (clock_id, kind, due_at)"
    " SELECT ({prefix} || lpad(to_hex(i), 24, '0'))::uuid, 'breach',"
    " $3::timestamptz + i * $4::float8 * interval '1 second'"
    " FROM generate_series($1::bigint, $2::bigint) i"
)
CLAIM = (
    "SELECT id FROM sla.timers WHERE fired_at IS NULL AND due_at <= now()"
    " ORDER BY due_at LIMIT 500 FOR UPDATE SKIP LOCKED"
)


def ids(kind: str) -> str:
    """The first 8 hex digits of a bench clock's (and its ticket's) id, by kind of row."""
    return {"far": "'00000000'", "due": "'00000001'"}[kind]


async def load(conn: asyncpg.Connection, *, count: int, first_due: datetime, span: float) -> None:
    """`count` running clocks and their breach timers, due evenly from `first_due` over `span`
    seconds, in statements of a million rows."""
    step = span / max(1, count)
    for kind, sql in (("clocks", CLOCK), ("timers", TIMER)):
        started = time.monotonic()
        statement = sql.format(schema=SCHEMA, prefix=ids("far"))
        for low in range(1, count + 1, CHUNK):
            await conn.execute(statement, low, min(count, low + CHUNK - 1), first_due, step)
        print(f"  {kind}: {count:,} rows in {time.monotonic() - started:.1f} s")


async def load_far_future(conn: asyncpg.Connection, count: int) -> float:
    """The bulk load with secondary indexes and the foreign key built afterwards; its seconds."""
    definitions = [
        r["indexdef"]
        for r in await conn.fetch(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = ANY($2)",
            SCHEMA,
            list(SECONDARY),
        )
    ]
    fk = await conn.fetchval(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = $1", TIMER_FK
    )
    await conn.execute("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'")
    started = time.monotonic()
    await conn.execute(f"ALTER TABLE {SCHEMA}.timers DROP CONSTRAINT {TIMER_FK}")
    for name in SECONDARY:
        await conn.execute(f"DROP INDEX {SCHEMA}.{name}")
    first_due = datetime.now(UTC) + timedelta(days=1)
    await load(conn, count=count, first_due=first_due, span=29 * 86400)
    built = time.monotonic()
    for definition in definitions:
        await conn.execute(definition)
    await conn.execute(f"ALTER TABLE {SCHEMA}.timers ADD CONSTRAINT {TIMER_FK} {fk}")
    print(f"  indexes and foreign key: {time.monotonic() - built:.1f} s")
    await conn.execute(f"VACUUM (ANALYZE) {SCHEMA}.clocks, {SCHEMA}.timers")
    loaded = time.monotonic() - started
    await settle(conn)
    return loaded


async def settle(conn: asyncpg.Connection) -> None:
    """Write the load's dirty pages out before the window (a checkpoint), so the window
    measures the steady state and not the bulk load's aftermath; skipped without the right."""
    started = time.monotonic()
    try:
        await conn.execute("CHECKPOINT")
    except asyncpg.InsufficientPrivilegeError:
        print("  no checkpoint (the role may not): the window may include the load's writes")
        return
    os.sync()  # and the kernel's dirty pages of it, or commits' WAL flushes queue behind them
    print(f"  checkpoint and sync after the load: {time.monotonic() - started:.1f} s")


async def sizes(conn: asyncpg.Connection) -> dict[str, int]:
    """MiB of each table (heap) and each of its indexes."""
    rows = await conn.fetch(
        "SELECT c.relname, pg_relation_size(c.oid) AS bytes FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1"
        " AND (c.relname IN ('clocks', 'timers') OR c.oid IN (SELECT i.indexrelid FROM pg_index i"
        "  JOIN pg_class t ON t.oid = i.indrelid"
        "  WHERE t.relnamespace = n.oid AND t.relname IN ('clocks', 'timers')))"
        " ORDER BY bytes DESC",
        SCHEMA,
    )
    return {r["relname"]: round(r["bytes"] / 2**20) for r in rows}


class Receiver:
    """A webhook endpoint noting when each breach arrived (wall clock, as `due_at` is), and when
    each reached the bus (sla's topic)."""

    def __init__(self) -> None:
        self.arrived: dict[str, tuple[float, str, str]] = {}
        self.on_bus: dict[str, float] = {}

    async def read_bus(self, on: Scratch, stop: asyncio.Event) -> None:
        consumer = AIOKafkaConsumer(
            TopicNames(on.prefix).physical(SLA),
            bootstrap_servers=on.kafka,
            auto_offset_reset="earliest",  # the topic is this run's own: miss nothing
        )
        await consumer.start()
        try:
            while not stop.is_set():
                for records in (await consumer.getmany(timeout_ms=100)).values():
                    at = time.time()
                    for record in records:
                        event = json.loads(record.value or b"{}")
                        if event.get("type") == "sla.breached":
                            self.on_bus.setdefault(event["data"]["clock_id"], at)
        finally:
            await consumer.stop()

    async def receive(self, request: Request) -> Response:
        at = time.time()
        event = json.loads(await request.body())
        data = event.get("data", {})
        if event.get("type") == "sla.breached":
            self.arrived.setdefault(data["clock_id"], (at, data["due_at"], data["fired_at"]))
        return Response(status_code=204)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hooks", self.receive, methods=["POST"])])

    def _timed(self) -> list[tuple[str, float, float, float]]:
        """(clock id, arrival, due, fired) of each breach received, as epoch seconds."""
        return [
            (
                clock_id,
                at,
                datetime.fromisoformat(due).timestamp(),
                datetime.fromisoformat(fired).timestamp(),
            )
            for clock_id, (at, due, fired) in self.arrived.items()
        ]

    def latencies(self) -> tuple[list[float], list[float], list[float]]:
        """Milliseconds from each breach's due time and from its firing to its arrival, and
        from its firing to the bus."""
        since_due, since_fired, to_bus = [], [], []
        for clock_id, at, due_at, fired_at in self._timed():
            since_due.append((at - due_at) * 1000)
            since_fired.append((at - fired_at) * 1000)
            if clock_id in self.on_bus:
                to_bus.append((self.on_bus[clock_id] - fired_at) * 1000)
        return since_due, since_fired, to_bus

    def tail_by_slice(self, slices: int = 6) -> list[dict[str, float | int]]:
        """Fired-to-webhook p50/p99 per slice of the window (by due time): whether the tail is
        steady or bunched at one moment (a start-up, a checkpoint, an autovacuum)."""
        timed = sorted(
            (due_at, (at - fired_at) * 1000) for _, at, due_at, fired_at in self._timed()
        )
        if not timed:
            return []
        start, width = timed[0][0], (timed[-1][0] + 1e-6 - timed[0][0]) / slices
        rows: list[dict[str, float | int]] = []
        for index in range(slices):
            low, high = start + index * width, start + (index + 1) * width
            part = [ms for due_at, ms in timed if low <= due_at < high]
            rows.append({"from_s": round(index * width, 1), **summarise(part)})
        return rows


async def add_due(conn: asyncpg.Connection, *, count: int, first: datetime, span: float) -> None:
    """`count` running clocks (with their tickets) whose breach timers fall due over `span`."""
    step = span / max(1, count)
    prefix = ids("due")
    await conn.execute(CLOCK.format(schema=SCHEMA, prefix=prefix), 1, count, first, step)
    await conn.execute(TIMER.format(schema=SCHEMA, prefix=prefix), 1, count, first, step)
    await conn.execute(
        f"INSERT INTO {SCHEMA}.tickets (ticket_id, version, status, priority, team)"
        f" SELECT ({prefix} || lpad(to_hex(i), 24, '0'))::uuid, 1, 'open', 'normal', 'bench'"
        " FROM generate_series(1, $1::bigint) i",
        count,
    )


async def sample_until(
    replicas: list[Replica], receiver: Receiver, *, count: int, until: float
) -> None:
    """Sample the processes' memory until every breach reached the receiver, or `until`."""
    while time.monotonic() < until and len(receiver.arrived) < count:
        for replica in replicas:
            replica.stats.sample(time.monotonic())
        await asyncio.sleep(0.25)


async def measure(
    conn: asyncpg.Connection, on: Scratch, *, due: int, seconds: float
) -> dict[str, Any]:
    receiver, port, stop = Receiver(), free_port(), asyncio.Event()
    private = {"NOTIFY_ALLOWED_PRIVATE_NETWORKS": '["127.0.0.0/8"]'}
    reader = asyncio.create_task(receiver.read_bus(on, stop))
    async with serving(receiver.app(), port):
        sla = await start_replicas("sla", 1, on=on)
        notify = await start_replicas("notify", 1, on=on, extra_env=private)
        replicas = sla + notify
        try:
            token = notify[0].service.env["NOTIFY_API_TOKEN"]
            async with httpx.AsyncClient(timeout=30) as http:
                answer = await http.post(
                    f"{notify[0].service.url}/endpoints",
                    json={"url": f"http://127.0.0.1:{port}/hooks", "event_types": ["sla.breached"]},
                    headers={"Authorization": f"Bearer {token}"},
                )
                answer.raise_for_status()
            first = datetime.now(UTC) + timedelta(seconds=5)
            await add_due(conn, count=due, first=first, span=seconds)
            print(f"{due:,} breaches due over {seconds:.0f} s from {first:%H:%M:%S}")
            await sample_until(replicas, receiver, count=due, until=time.monotonic() + seconds + 40)
        finally:
            await stop_replicas(replicas)
            stop.set()
            await reader
    rows = await conn.fetch(
        f"SELECT due_at, fired_at FROM {SCHEMA}.timers WHERE clock_id BETWEEN"
        " '00000001-0000-0000-0000-000000000000' AND '00000001-ffff-ffff-ffff-ffffffffffff'"
    )
    late = [(r["fired_at"] - r["due_at"]).total_seconds() * 1000 for r in rows if r["fired_at"]]
    since_due, since_fired, to_bus = receiver.latencies()
    figures = {
        "due": due,
        "fired": len(late),
        "lateness": summarise(late),
        "webhook_since_due": summarise(since_due),
        "webhook_since_fired": summarise(since_fired),
        "bus_since_fired": summarise(to_bus),
        "sla_peak_rss_mib": round(sla[0].stats.peak_rss_kib / 1024, 1),
        "notify_peak_rss_mib": round(notify[0].stats.peak_rss_kib / 1024, 1),
    }
    print_replicas(replicas)
    print(f"fire lateness (fired_at - due_at), {len(late):,} of {due:,}: {figures['lateness']}")
    print(f"breach -> webhook since due_at: {figures['webhook_since_due']}")
    print(f"breach -> webhook since fired_at: {figures['webhook_since_fired']}")
    print(f"breach -> sla's topic since fired_at: {figures['bus_since_fired']}")
    by_slice = figures["webhook_since_fired_by_slice"] = receiver.tail_by_slice()
    for row in by_slice:
        shown = {key: value for key, value in row.items() if key != "from_s"}
        print(f"  breaches due from +{row['from_s']} s: {shown}")
    return figures


async def run(*, timers: int, due: int, seconds: float) -> dict[str, Any]:
    async with scratch(bench_infra()) as on:
        conn = await asyncpg.connect(on.database_url)
        try:
            await apply_migrations(conn=conn, schema=SCHEMA, migrations=service_migrations("sla"))
            await conn.execute(
                f"INSERT INTO {SCHEMA}.policies (name, position, resolution_seconds)"
                " VALUES ('bench', 1000, 3600)"
            )
            print(f"loading {timers:,} running clocks and breach timers in SQL")
            load_seconds = await load_far_future(conn, timers)
            pending = await conn.fetchval(
                f"SELECT count(*) FROM {SCHEMA}.timers WHERE fired_at IS NULL"
            )
            table_sizes = await sizes(conn)
            print(f"loaded in {load_seconds:.1f} s; {pending:,} pending timers; MiB {table_sizes}")
            plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {CLAIM}")
            print("due-timer claim:\n  " + "\n  ".join(r[0] for r in plan))
            figures = await measure(conn, on, due=due, seconds=seconds)
        finally:
            await conn.close()
    return {"timers": timers, "load_seconds": round(load_seconds, 1), "sizes_mib": table_sizes,
            **figures}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timers", type=int, default=10_000_000)
    parser.add_argument("--due", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    asyncio.run(run(timers=args.timers, due=args.due, seconds=args.seconds))


if __name__ == "__main__":
    main()
