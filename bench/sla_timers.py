"""SLA timer benchmark: 1,000,000 active timers, one and three service replicas.

In a scratch database (dropped afterwards) it bulk-loads, with COPY, N running clocks whose
breach timers are due days ahead, then for each replica count starts real `python -m ticketflow_sla`
processes and adds:
- a burst of timers all due a few seconds after start: drained as fast as the replicas can,
  which gives fires per second;
- a stream falling due evenly over the run: their fire time minus due time is the lateness.
It prints the replicas' memory (RSS, peak), fires/s and lateness p50/p99/max, read from the
timers' own `due_at` and `fired_at` columns. Each run is bounded (about a minute).

    set -a; source .local/env; set +a
    uv run python bench/sla_timers.py [--timers 1000000] [--replicas 1 3]
"""

import argparse
import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from bench.infra import bench_infra
from bench.latency import summarise
from bench.service_processes import (
    Replica,
    Scratch,
    print_replicas,
    process_figures,
    scratch,
    start_replicas,
    stop_replicas,
)
from tests.infra import Infra
from ticketflow_common.migrations import apply_migrations, service_migrations

SCHEMA = "sla"
CHUNK = 100_000


def rows_for(
    due: list[datetime],
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """(clock rows, timer rows) for running clocks with one breach timer each."""
    clocks: list[tuple[object, ...]] = []
    timers: list[tuple[object, ...]] = []
    for due_at in due:
        clock_id = uuid.uuid4()
        started = due_at - timedelta(hours=1)
        clocks.append(
            (
                clock_id,
                uuid.uuid4(),
                "resolution",
                "bench",
                3600.0,
                started,
                due_at,
                "running",
                started,
            )
        )
        timers.append((clock_id, "breach", due_at))
    return clocks, timers


async def copy_timers(conn: asyncpg.Connection, due: list[datetime]) -> None:
    clocks, timers = rows_for(due)
    await conn.copy_records_to_table(
        "clocks",
        records=clocks,
        columns=[
            "id",
            "ticket_id",
            "metric",
            "policy",
            "target_seconds",
            "started_at",
            "due_at",
            "state",
            "running_since",
        ],
        schema_name=SCHEMA,
    )
    await conn.copy_records_to_table(
        "timers", records=timers, columns=["clock_id", "kind", "due_at"], schema_name=SCHEMA
    )


def far_future(count: int, now: datetime) -> Iterator[list[datetime]]:
    """Due instants spread over 1 to 30 days ahead, in chunks."""
    for start in range(0, count, CHUNK):
        n = min(CHUNK, count - start)
        yield [
            now + timedelta(days=1) + timedelta(seconds=(start + i) * 29 * 86400 / count)
            for i in range(n)
        ]


async def wait_until_fired(
    conn: asyncpg.Connection,
    replicas: list[Replica],
    *,
    until: datetime,
    within: float,
    not_before: datetime | None = None,
) -> None:
    """Sample the replicas' memory until every timer due by `until` fired (or `within` s)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for replica in replicas:
            replica.stats.sample(time.monotonic())
        pending = await conn.fetchval(
            f"SELECT count(*) FROM {SCHEMA}.timers WHERE fired_at IS NULL AND due_at <= $1", until
        )
        if pending == 0 and (not_before is None or datetime.now(UTC) > not_before):
            return
        await asyncio.sleep(0.25)


async def run_once(
    conn: asyncpg.Connection,
    *,
    replicas_count: int,
    on: Scratch,
    burst: int,
    stream_rate: int,
    stream_seconds: float,
) -> dict[str, Any]:
    """One replica count: the burst's fires/s and the stream's lateness, as printed."""
    replicas = await start_replicas("sla", replicas_count, on=on, tag=f"{replicas_count}-")
    try:
        run = uuid.uuid4().hex[:6]
        burst_at = datetime.now(UTC) + timedelta(seconds=3)
        await copy_timers(conn, [burst_at] * burst)
        burst_ids = await conn.fetchval(f"SELECT max(id) FROM {SCHEMA}.timers")
        active = await conn.fetchval(f"SELECT count(*) FROM {SCHEMA}.timers WHERE fired_at IS NULL")
        print(
            f"\n== {replicas_count} replica(s), run {run}: {active:,} active timers;"
            f" burst of {burst:,} due at once, then a stream of {stream_rate}/s"
            f" for {stream_seconds:.0f} s"
        )
        await wait_until_fired(conn, replicas, until=burst_at, within=90)
        stream_start = datetime.now(UTC) + timedelta(seconds=3)
        count = int(stream_rate * stream_seconds)
        stream = [stream_start + timedelta(seconds=i / stream_rate) for i in range(count)]
        await copy_timers(conn, stream)
        await wait_until_fired(
            conn, replicas, until=stream[-1], within=stream_seconds + 30, not_before=stream[-1]
        )
        rows = await conn.fetch(
            f"SELECT id, due_at, fired_at FROM {SCHEMA}.timers WHERE due_at >= $1 AND due_at <= $2",
            burst_at,
            stream[-1],
        )
    finally:
        await stop_replicas(replicas)

    burst_rows = [r for r in rows if r["id"] <= burst_ids]
    stream_rows = [r for r in rows if r["id"] > burst_ids]
    unfired = sum(1 for r in rows if r["fired_at"] is None)
    fired_burst = [r["fired_at"] for r in burst_rows if r["fired_at"] is not None]
    span = (max(fired_burst) - burst_at).total_seconds() if fired_burst else float("nan")
    late = [(r["fired_at"] - r["due_at"]).total_seconds() for r in stream_rows if r["fired_at"]]
    outbox = await conn.fetchval(f"SELECT count(*) FROM {SCHEMA}.outbox")
    burst_rate = len(fired_burst) / span if fired_burst else 0.0
    lateness = summarise([seconds * 1000 for seconds in late])
    figures: dict[str, Any] = {
        "replicas": replicas_count,
        "active_timers": active,
        "burst": {
            "timers": burst,
            "fired": len(fired_burst),
            "seconds": round(span, 2),
            "fires_per_s": round(burst_rate),
        },
        "stream": {"per_s": stream_rate, "seconds": stream_seconds, "lateness": lateness},
        "unfired": unfired,
        "outbox_left": outbox,
        "processes": process_figures(replicas),
    }
    print_replicas(replicas)
    print(f"burst: {len(fired_burst):,} fired in {span:.2f} s = {burst_rate:,.0f} fires/s")
    print(f"stream lateness (fired_at - due_at) over {len(late):,} timers: {lateness}")
    print(f"unfired at the end: {unfired}; outbox rows not yet relayed: {outbox}")
    return figures


async def run(
    *,
    infra: Infra,
    timers: int,
    replicas: list[int],
    burst: int = 20_000,
    stream_rate: int = 200,
    stream_seconds: float = 40,
) -> dict[str, Any]:
    """Load `timers` far-future timers once, then measure each replica count over them."""
    runs = []
    async with scratch(infra) as on:
        conn = await asyncpg.connect(on.database_url)
        try:
            await apply_migrations(conn=conn, schema=SCHEMA, migrations=service_migrations("sla"))
            await conn.execute(
                f"INSERT INTO {SCHEMA}.policies (name, position, resolution_seconds)"
                " VALUES ('bench', 1000, 3600)"
            )
            started = time.monotonic()
            for chunk in far_future(timers, datetime.now(UTC)):
                await copy_timers(conn, chunk)
            await conn.execute(f"ANALYZE {SCHEMA}.timers")
            await conn.execute(f"ANALYZE {SCHEMA}.clocks")
            load_seconds = time.monotonic() - started
            print(f"loaded {timers:,} clocks and timers with COPY in {load_seconds:.1f} s")
            for count in replicas:
                runs.append(
                    await run_once(
                        conn,
                        replicas_count=count,
                        on=on,
                        burst=burst,
                        stream_rate=stream_rate,
                        stream_seconds=stream_seconds,
                    )
                )
        finally:
            await conn.close()
    return {"timers": timers, "load_seconds": round(load_seconds, 1), "runs": runs}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timers", type=int, default=1_000_000)
    parser.add_argument("--burst", type=int, default=20_000)
    parser.add_argument("--stream-rate", type=int, default=200)
    parser.add_argument("--stream-seconds", type=float, default=40)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 3])
    args = parser.parse_args()
    await run(
        infra=bench_infra(),
        timers=args.timers,
        replicas=args.replicas,
        burst=args.burst,
        stream_rate=args.stream_rate,
        stream_seconds=args.stream_seconds,
    )


if __name__ == "__main__":
    asyncio.run(main())
