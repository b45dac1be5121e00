"""Benchmark: `POST /tickets` beside a bare FastAPI + asyncpg insert, at concurrency 1, 16, 64.

Run: `uv run python -m bench.intake_post_tickets` (uses the infra in .local/env, or the
TICKETFLOW_* variables). Starts both servers as processes on free loopback ports, in a
scratch database, drives both with the same load generator (wrk by default, each request with
its own Idempotency-Key; `--generator python` for the in-process one) and prints throughput,
p50/p99 latency, the server's CPU ms per request, its peak memory and the ratio to the baseline.
"""

import argparse
import asyncio
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from bench.http_load import run_closed_loop
from bench.infra import bench_infra
from bench.process_stats import cpu_seconds, memory_kib
from bench.servers import bare_server, intake_auth, intake_server
from bench.wrk_load import run_wrk
from tests.conftest import fresh_database
from tests.kafka_helpers import delete_topics
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.topics import TopicNames

ROOT = Path(__file__).resolve().parents[1]


def ticket(n: int) -> dict[str, Any]:
    return {
        "subject": f"Benchmark ticket {n}",
        "description": "The VPN drops every ten minutes since the update.",
        "requester": {"id": f"u-{n % 500}", "email": f"u-{n % 500}@example.com"},
        "priority": "normal",
        "required_skills": ["network"],
        "tags": ["bench"],
    }


WRK_TICKET = {
    "subject": "Benchmark ticket {n}",
    "description": "The VPN drops every ten minutes since the update.",
    "requester": {"id": "u-{m}", "email": "u-{m}@example.com"},
    "priority": "normal",
    "required_skills": ["network"],
    "tags": ["bench"],
}
"""`ticket(n)` for wrk: `{n}` unique per request, `{m}` one of 100 requesters (all linked
during the warm-up, as most tickets come from requesters known already)."""
WARMUP_SECONDS = 2.0


async def measure(
    url: str,
    headers: dict[str, str],
    pid: int,
    concurrency: int,
    seconds: float,
    generator: str,
) -> dict[str, Any]:
    """One closed-loop run after a warm-up; the server's CPU is read around the measured part."""
    if generator == "wrk":
        run_id = uuid.uuid4().hex[:8]
        await asyncio.to_thread(
            run_wrk, url=url, template=WRK_TICKET, headers=headers,
            connections=concurrency, seconds=WARMUP_SECONDS, run_id=f"w{run_id}",
        )  # fmt: skip
        cpu_before = cpu_seconds(pid) or 0.0
        done = await asyncio.to_thread(
            run_wrk, url=url, template=WRK_TICKET, headers=headers,
            connections=concurrency, seconds=seconds, run_id=run_id,
        )  # fmt: skip
        row = done.row()
        answered = done.requests
    else:
        cpu_before = cpu_seconds(pid) or 0.0
        result = await run_closed_loop(
            url=url, body=ticket, headers=headers, concurrency=concurrency, seconds=seconds
        )
        loose = result.row()
        row = {
            "req_per_s": loose["achieved_per_s"],
            "p50_ms": loose.get("p50_ms"),
            "p99_ms": loose.get("p99_ms"),
            "errors": loose["errors"],
        }
        answered = len(result.latencies_ms)
    cpu_used = (cpu_seconds(pid) or 0.0) - cpu_before
    rss, peak = memory_kib(pid) or (0, 0)
    return {
        "concurrency": concurrency,
        **row,
        "cpu_ms_per_req": round(1000 * cpu_used / max(answered, 1), 3),
        "server_rss_mib": round(rss / 1024, 1),
        "server_peak_rss_mib": round(peak / 1024, 1),
    }


async def compare(
    *, seconds: float, levels: list[int], generator: str = "wrk"
) -> list[dict[str, dict[str, Any]]]:
    """Intake and the bare insert under the same generator, one level after the other."""
    infra = bench_infra()
    names = TopicNames(f"bench{uuid.uuid4().hex[:6]}.")
    await ensure_topics(bootstrap_servers=infra.kafka_bootstrap_servers, names=names)
    async with fresh_database(infra) as database_url:
        intake = intake_server(
            database_url=database_url,
            kafka=infra.kafka_bootstrap_servers,
            topic_prefix=names.prefix,
        )
        bare = bare_server(database_url=database_url)
        await intake.start()
        await bare.start()
        try:
            await intake.wait_ready()
            await bare.wait_ready(path="/docs")
            assert intake.process is not None
            assert bare.process is not None
            rows = []
            for concurrency in levels:
                ours = await measure(
                    f"{intake.url}/tickets",
                    intake_auth(intake),
                    intake.process.pid,
                    concurrency,
                    seconds,
                    generator,
                )
                base = await measure(
                    f"{bare.url}/rows", {}, bare.process.pid, concurrency, seconds, generator
                )
                rows.append({"intake": ours, "bare": base})
        finally:
            await intake.terminate()
            await bare.terminate()
    await delete_topics(bootstrap=infra.kafka_bootstrap_servers, prefix=names.prefix)
    return rows


async def main(seconds: float, levels: list[int], generator: str) -> None:
    rows = await compare(seconds=seconds, levels=levels, generator=generator)
    print_table(rows, generator)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "intake_post_tickets.json").write_text(json.dumps(rows, indent=2))


def print_table(rows: list[dict[str, dict[str, Any]]], generator: str) -> None:
    where = "wrk (2 threads)" if generator == "wrk" else "in-process"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load generator {where}")
    header = (
        "| conc | intake req/s | p50 ms | p99 ms | CPU ms/req | bare req/s | p50 ms | p99 ms |"
        " CPU ms/req | throughput ratio | p50 ratio | intake peak RSS MiB | errors |"
    )
    print(header)
    print("|---" * 13 + "|")
    for row in rows:
        ours, base = row["intake"], row["bare"]
        print(
            f"| {ours['concurrency']} | {ours['req_per_s']} | {ours['p50_ms']} | {ours['p99_ms']}"
            f" | {ours['cpu_ms_per_req']} | {base['req_per_s']} | {base['p50_ms']}"
            f" | {base['p99_ms']} | {base['cpu_ms_per_req']}"
            f" | {ours['req_per_s'] / base['req_per_s']:.2f}"
            f" | {ours['p50_ms'] / base['p50_ms']:.2f}"
            f" | {ours['server_peak_rss_mib']} | {ours['errors']}+{base['errors']} |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--generator", choices=["wrk", "python"], default="wrk")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.concurrency, args.generator))
