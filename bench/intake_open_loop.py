"""Intake under open-loop arrivals at a range of rates, beside the bare FastAPI baseline.

Run: `uv run python -m bench.intake_open_loop [--rates 50 100 200 ...]`. Both servers run as
processes on one scratch database; at each rate the same Poisson schedule goes to intake's
`POST /tickets` and to the bare insert, and each row gives achieved throughput, latency
p50/p99/p99.9 from the scheduled instant, errors, and the server's CPU and peak memory.
"""

import argparse
import asyncio
import json
import uuid
from typing import Any

import asyncpg

from bench.http_load import run_closed_loop, run_open_loop
from bench.infra import bench_infra
from bench.intake_post_tickets import ticket
from bench.process_stats import watching
from bench.servers import bare_server, intake_auth, intake_server
from tests.conftest import fresh_database
from tests.infra import Infra
from tests.kafka_helpers import delete_topics
from tests.polling import eventually
from tests.processes import ServiceProcess
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.topics import TopicNames

RATES = [50, 100, 200, 400, 600, 800, 1000]


def seconds_at(rate: float) -> float:
    """Long enough for about 1,000 samples (p99.9), between 8 and 20 seconds."""
    return max(8.0, min(20.0, 1000 / rate))


async def one_rate(
    server: ServiceProcess, path: str, headers: dict[str, str], rate: float
) -> dict[str, Any]:
    assert server.process is not None
    async with watching([(server.name, server.process.pid)]) as watch:
        result = await run_open_loop(
            url=f"{server.url}{path}",
            body=ticket,
            headers=headers,
            per_second=rate,
            seconds=seconds_at(rate),
        )
    usage = watch.by_name()[server.name]
    row = result.row()
    ok = max(1, sum(n for s, n in result.statuses.items() if s < 300))
    return {
        **row,
        "cpu_pct": usage["cpu_pct"],
        "cpu_ms_per_request": round(1000 * usage["cpu_s"] / ok, 3),
        "peak_rss_mib": usage["peak_rss_mib"],
    }


async def closed_loop_capacity(
    server: ServiceProcess, path: str, headers: dict[str, str]
) -> dict[str, Any]:
    """The most answers/s over 16 busy connections, as the bare baseline is measured."""
    assert server.process is not None
    async with watching([(server.name, server.process.pid)]) as watch:
        result = await run_closed_loop(
            url=f"{server.url}{path}", body=ticket, headers=headers, concurrency=16, seconds=10
        )
    return {**result.row(), **watch.by_name()[server.name]}


def sustained(rows: list[dict[str, Any]]) -> float:
    """The highest achieved rate among rows that kept up (>= 97% of offered, no errors)."""
    kept = [
        r["achieved_per_s"]
        for r in rows
        if r["achieved_per_s"] >= 0.97 * r["offered_per_s"] and r["errors"] == 0
    ]
    return max(kept, default=0.0)


async def outbox_drained(database_url: str) -> None:
    """Let intake's relay catch up before the next measurement, so it does not share the CPU."""
    conn = await asyncpg.connect(database_url)
    try:

        async def empty() -> bool:
            return bool(await conn.fetchval("SELECT count(*) = 0 FROM intake.outbox"))

        await eventually(empty, what="intake's outbox to drain", within=120, interval=0.2)
    finally:
        await conn.close()


async def run(*, infra: Infra, rates: list[float]) -> dict[str, Any]:
    """Both servers through every rate; returns rows per server and the sustained rates."""
    names = TopicNames(f"bench{uuid.uuid4().hex[:6]}.")
    kafka = infra.kafka_bootstrap_servers
    await ensure_topics(bootstrap_servers=kafka, names=names, partitions=12)
    rows: dict[str, list[dict[str, Any]]] = {"intake": [], "bare": []}
    try:
        async with fresh_database(infra) as database_url:
            intake = intake_server(
                database_url=database_url, kafka=kafka, topic_prefix=names.prefix
            )
            bare = bare_server(database_url=database_url)
            await intake.start()
            await bare.start()
            try:
                await intake.wait_ready()
                await bare.wait_ready(path="/docs")
                for rate in rates:
                    rows["intake"].append(
                        await one_rate(intake, "/tickets", intake_auth(intake), rate)
                    )
                    await outbox_drained(database_url)
                    rows["bare"].append(await one_rate(bare, "/rows", {}, rate))
                    print(
                        f"  {rate:>5} /s offered: intake {rows['intake'][-1]['achieved_per_s']}/s"
                        f" p99 {rows['intake'][-1].get('p99_ms')} ms;"
                        f" bare {rows['bare'][-1]['achieved_per_s']}/s"
                        f" p99 {rows['bare'][-1].get('p99_ms')} ms",
                        flush=True,
                    )
                await outbox_drained(database_url)
                capacity = await closed_loop_capacity(intake, "/tickets", intake_auth(intake))
                print(f"  closed loop, 16 connections: intake {capacity['achieved_per_s']}/s")
            finally:
                await intake.terminate()
                await bare.terminate()
    finally:
        await delete_topics(bootstrap=kafka, prefix=names.prefix)
    return {
        **rows,
        "capacity_16_connections": capacity,
        "sustained_per_s": {"intake": sustained(rows["intake"]), "bare": sustained(rows["bare"])},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", type=float, nargs="+", default=RATES)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(infra=bench_infra(), rates=args.rates)), indent=2))
