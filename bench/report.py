"""`make bench`: the whole system measured against this machine's own limits, in one run.

Phases, each against the local Postgres and Kafka (or the TICKETFLOW_* ones):
1. baselines: pgbench single-row inserts, a bare FastAPI + asyncpg endpoint, raw aiokafka;
2. intake under open-loop arrivals at a range of rates, beside the bare endpoint at the same rates,
   and both driven by wrk at 16 connections;
3. end to end, `POST /tickets` to `ticket.assigned` on the bus and at a webhook, several rates;
4. SLA at scale: fire lateness, memory and breach to webhook with 10,000,000 active timers;
5. one against two replicas of routing, sla and notify, each on its own core, draining a backlog.
The report opens with the performance goals (`bench.goals`) beside this run's figures.
Each phase records CPU and peak memory of every service process. Writes
`bench-results/report.{json,md}` and PNG plots beside them, and prints the Markdown.

    uv run python -m bench.report [--quick]
"""

import argparse
import asyncio
import datetime
import json
import os
import platform
import shutil
import subprocess
from pathlib import Path
from typing import Any

import asyncpg

from bench import (
    baselines,
    end_to_end_latency,
    intake_open_loop,
    intake_post_tickets,
    replica_throughput,
    sla_timer_scale,
)
from bench.infra import bench_infra
from bench.report_output import comparisons, write_markdown, write_plots
from tests.infra import Infra

ROOT = Path(__file__).resolve().parents[1]


async def postgres_version(infra: Infra) -> str:
    conn = await asyncpg.connect(infra.database_url)
    try:
        version: str = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    return version


def machine(infra: Infra, postgres: str) -> dict[str, Any]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    git = shutil.which("git") or "git"
    commit = subprocess.run(
        [git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "cores": os.cpu_count(),
        "cpu": model,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgres": postgres,
        "kafka": infra.kafka_bootstrap_servers,
        "load_generator": "in the same machine, open loop, raw HTTP/1.1 keep-alive",
    }


def settings(quick: bool) -> dict[str, Any]:
    if quick:
        return {
            "intake_rates": [50, 200],
            "e2e_rates": [10, 50],
            "e2e_seconds": 8.0,
            "wrk_seconds": 5.0,
            "timers": 100_000,
            "due_timers": 300,
            "due_seconds": 15.0,
            "backlog_tickets": 200,
        }
    return {
        "intake_rates": intake_open_loop.RATES,
        "e2e_rates": end_to_end_latency.RATES,
        "e2e_seconds": 20.0,
        "wrk_seconds": 15.0,
        "timers": 10_000_000,
        "due_timers": 3000,
        "due_seconds": 60.0,
        "backlog_tickets": 2000,
    }


async def main(quick: bool, out: Path) -> None:
    infra = bench_infra()
    plan = settings(quick)
    report: dict[str, Any] = {
        "machine": machine(infra, await postgres_version(infra)),
        "plan": plan,
    }
    print("== baselines", flush=True)
    report["baselines"] = await baselines.run(infra=infra)
    print("== intake, open loop", flush=True)
    report["intake"] = await intake_open_loop.run(infra=infra, rates=plan["intake_rates"])
    print("== intake beside the bare insert, wrk at 16 connections", flush=True)
    report["intake_wrk"] = await intake_post_tickets.compare(
        seconds=plan["wrk_seconds"], levels=[16]
    )
    print("== end to end", flush=True)
    report["end_to_end"] = await end_to_end_latency.run(
        infra=infra, rates=plan["e2e_rates"], seconds=plan["e2e_seconds"]
    )
    print("== sla at scale", flush=True)
    report["sla_scale"] = await sla_timer_scale.run(
        timers=plan["timers"], due=plan["due_timers"], seconds=plan["due_seconds"]
    )
    print("== replicas, each on its own core", flush=True)
    report["replica_throughput"] = await replica_throughput.one_against_two(
        tickets=plan["backlog_tickets"]
    )
    report["comparisons"] = comparisons(report)
    print(write_report(report, out))


def write_report(report: dict[str, Any], out: Path) -> str:
    """report.json, report.md and the plots into `out`; returns the Markdown."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2))
    plots = write_plots(report, out)
    markdown = write_markdown(report, plots, out / "report.md")
    return f"{markdown}\nwrote {out}/report.json, report.md and {len(plots)} plots"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the harness")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()
    asyncio.run(main(args.quick, args.out))
