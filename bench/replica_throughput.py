"""Events per second of one against two replicas of routing, sla and notify, each replica pinned
to its own core, draining the same backlog.

Run: `uv run python -m bench.replica_throughput --tickets 2000`. For each replica count it
starts the system (fresh database, 12-partition topics, one webhook endpoint, agents nobody
fills), stops routing, sla and notify, files `--tickets` tickets through intake (they wait on
the bus as a backlog), then starts the replicas again under `taskset -c`: with one replica each
of the three runs on core 0, with two the first of each on core 0 and the second on core 1.
Intake, identity, Postgres, Kafka and this process (the webhook receiver) are not pinned. It
counts the events the replicas' consumers applied (their `ticketflow_event_handle_seconds`
counts) until the backlog and every outbox is drained, and samples each replica's CPU. The
rate counts from the moment every replica is ready and in its group to the last event applied:
start-up, and what the first replicas applied while the others were joining, are outside it.

A throughput figure: the latency of a paced load is `bench.end_to_end_latency`'s and
`bench.replicas`'.
"""

import argparse
import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.infra import bench_infra
from bench.process_stats import host_ticks, steal_share, watching
from bench.replicas import TimedReceiver
from tests.conftest import fresh_database
from tests.polling import eventually
from tests.processes import ServiceProcess, free_port
from tests.running_system import SERVICES, System, running_system, serving
from tests.workload import configure, file_tickets

ROOT = Path(__file__).resolve().parents[1]
SCALED = ("routing", "sla", "notify")
MAX_TICKETS = 10_000
AGENTS = 10
QUIET_SECONDS = 3.0
"""The counts stand still this long, with every outbox empty: the backlog is drained."""


async def handled(process: ServiceProcess, http: httpx.AsyncClient) -> int:
    """Events this replica's consumers have applied since it started."""
    text = (await http.get(f"{process.url}/metrics")).text
    total = 0.0
    for family in text_string_to_metric_families(text):
        if family.name == "ticketflow_event_handle_seconds":
            total += sum(s.value for s in family.samples if s.name.endswith("_count"))
    return int(total)


async def outbox_rows(database_url: str, *, deliveries: bool = False) -> int:
    """Rows every outbox still holds (and, with `deliveries`, webhooks notify has yet to send)."""
    conn = await asyncpg.connect(database_url)
    try:
        counts = [await conn.fetchval(f"SELECT count(*) FROM {s}.outbox") for s in SERVICES]
        if deliveries:
            pending = "SELECT count(*) FROM notify.deliveries WHERE status = 'pending'"
            counts.append(await conn.fetchval(pending))
        return sum(counts)
    finally:
        await conn.close()


async def restart_pinned(system: System, *, logs: Path) -> None:
    """Stop the scaled services, then (after the caller filed the backlog) the same replicas
    start again, replica i on core i."""
    for service in SCALED:
        fresh = []
        for index, old in enumerate(system.replicas[service]):
            log = logs / f"{service}-pinned-{index}.log"
            fresh.append(ServiceProcess(service, old.env, old.port, log, cpus=str(index)))
        system.replicas[service] = fresh
    for process in (p for s in SCALED for p in system.replicas[s]):
        await process.start()
    for process in (p for s in SCALED for p in system.replicas[s]):
        await process.wait_ready(within=120)


async def drain(system: System, *, within: float) -> dict[str, list[tuple[float, int]]]:
    """Per service, (seconds, events applied by all its replicas) every 0.25 s until drained:
    every outbox empty and every webhook sent."""
    series: dict[str, list[tuple[float, int]]] = {s: [] for s in SCALED}
    started = time.perf_counter()
    quiet_since = started
    last_total = -1
    async with httpx.AsyncClient(timeout=10) as http:
        while time.perf_counter() - started < within:
            now = time.perf_counter() - started
            total = 0
            for service in SCALED:
                count = sum([await handled(p, http) for p in system.replicas[service]])
                series[service].append((now, count))
                total += count
            if total != last_total:
                last_total, quiet_since = total, time.perf_counter()
            elif (
                time.perf_counter() - quiet_since >= QUIET_SECONDS
                and total > 0
                and await outbox_rows(system.database_url, deliveries=True) == 0
            ):
                return series
            await asyncio.sleep(0.25)
    raise AssertionError(f"the backlog was not drained in {within} s")


def rate(series: list[tuple[float, int]]) -> dict[str, float | None]:
    """Events per second from the moment every replica was in its group (the series' start) to
    the last change of the count; what the first replicas applied before that is left out."""
    started, before = series[0]
    final = series[-1][1]
    moved = [t for (t, n), (_, prev) in zip(series[1:], series, strict=False) if n != prev]
    if not moved or final == before:
        return {"events": final, "before_all_joined": before, "seconds": None, "per_second": None}
    seconds = max(moved[-1] - started, 0.25)
    per_second = round((final - before) / seconds, 1)
    return {"events": final, "before_all_joined": before, "seconds": round(seconds, 2),
            "per_second": per_second}  # fmt: skip


async def run(*, replicas: int, tickets: int) -> dict[str, Any]:
    """One column: `replicas` pinned replicas of each scaled service draining `tickets`."""
    if not (1 <= tickets <= MAX_TICKETS and replicas in (1, 2)):
        raise ValueError(f"bounded: tickets 1-{MAX_TICKETS}, replicas 1 or 2")
    infra = bench_infra()
    logs = ROOT / ".local" / "bench-replica-throughput" / f"{replicas}"
    logs.mkdir(parents=True, exist_ok=True)
    receiver, port = TimedReceiver(), free_port()
    quiet = {f"{s.upper()}_LOG_LEVEL": "WARNING" for s in SERVICES}
    async with (
        fresh_database(infra) as database_url,
        running_system(
            database_url=database_url,
            kafka_bootstrap=infra.kafka_bootstrap_servers,
            logs=logs,
            partitions=12,
            replicas=dict.fromkeys(SCALED, replicas),
            extra_env=quiet,
        ) as system,
        serving(receiver.app(), port),
    ):
        await configure(
            system=system,
            receiver_url=f"http://127.0.0.1:{port}/hooks",
            skill="bench",
            agents=AGENTS,
            capacity=tickets // AGENTS + 10,
            first_response_seconds=86_400,  # no breach inside the run: the same work each time
        )
        for service in SCALED:
            for process in system.replicas[service]:
                await process.terminate()
        accepted: dict[str, str] = {}
        await file_tickets(
            system=system,
            count=tickets,
            per_second=400,
            accepted=accepted,
            skill="bench",
            open_loop=True,
        )

        async def backlog_on_bus() -> bool:
            return await outbox_rows(system.database_url) == 0

        await eventually(backlog_on_bus, what="intake's outbox on the bus", within=120)
        await restart_pinned(system, logs=logs)
        pids = [(s, p.process.pid) for s in SCALED for p in system.replicas[s] if p.process]
        steal_before = host_ticks()
        async with watching(pids, interval=0.25) as watch:
            series = await drain(system, within=600)
        steal = steal_share(steal_before, host_ticks())
        used = watch.by_name()
    per_service = {s: rate(series[s]) for s in SCALED}
    for service in SCALED:
        events = (per_service[service]["events"] or 0) - (
            per_service[service]["before_all_joined"] or 0
        )  # the CPU is sampled from the moment every replica joined
        cpu = used[service]["cpu_s"]
        per_service[service]["cpu_ms_per_event"] = round(cpu * 1000 / events, 2) if events else None
        per_service[service]["peak_rss_mib"] = used[service]["peak_rss_mib"]
    arrivals = sorted(receiver.first_seen.values())
    hooks_seconds = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    events = sum(int(per_service[s]["events"] or 0) for s in SCALED)
    early = sum(int(per_service[s]["before_all_joined"] or 0) for s in SCALED)
    seconds = max(float(per_service[s]["seconds"] or 0) for s in SCALED)
    return {
        "replicas": replicas,
        "tickets": len(accepted),
        "events": events,
        "seconds": round(seconds, 2),
        "events_before_all_joined": early,
        "events_per_second": round((events - early) / seconds, 1) if seconds else None,
        "services": per_service,
        "steal_share": None if steal is None else round(steal, 3),
        "webhooks_received": len(arrivals),
        "webhooks_per_second": round(len(arrivals) / hooks_seconds, 1) if hooks_seconds else None,
    }


def table(runs: list[dict[str, Any]]) -> str:
    rows: list[tuple[str, list[Any]]] = [
        ("replicas of routing, sla, notify (replica i on core i)", [r["replicas"] for r in runs]),
        ("tickets in the backlog", [r["tickets"] for r in runs]),
        (
            "events applied (before every replica joined) / seconds after",
            [f"{r['events']} ({r['events_before_all_joined']}) / {r['seconds']}" for r in runs],
        ),
        ("events per second (all three)", [r["events_per_second"] for r in runs]),
        (
            "webhooks received / per second",
            [f"{r['webhooks_received']} / {r['webhooks_per_second']}" for r in runs],
        ),
        ("host steal share", [r["steal_share"] for r in runs]),
    ]
    for service in SCALED:
        rows.append(
            (
                f"{service}: events/s, CPU ms/event, peak RSS MiB (all replicas)",
                [
                    f"{r['services'][service]['per_second']}, "
                    f"{r['services'][service]['cpu_ms_per_event']}, "
                    f"{r['services'][service]['peak_rss_mib']}"
                    for r in runs
                ],
            )
        )
    lines = [f"| {label} | " + " | ".join(str(v) for v in values) + " |" for label, values in rows]
    lines.insert(1, "|---" * (len(runs) + 1) + "|")
    return "\n".join(lines)


def speedup(runs: list[dict[str, Any]]) -> float | None:
    one, two = runs[0]["events_per_second"], runs[-1]["events_per_second"]
    return round(two / one, 2) if one and two else None


async def one_against_two(*, tickets: int) -> dict[str, Any]:
    """Both columns and the speedup, as `make bench` records them."""
    runs = [await run(replicas=n, tickets=tickets) for n in (1, 2)]
    return {"cores": os.cpu_count(), "tickets": tickets, "runs": runs, "speedup": speedup(runs)}


async def main(tickets: int) -> dict[str, Any]:
    result = await one_against_two(tickets=tickets)
    print(f"{os.cpu_count()} cores; a backlog of {tickets} tickets, 12 partitions, 1 webhook")
    print(table(result["runs"]))
    print(f"two replicas against one: {result['speedup']}x the events per second")
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "replica_throughput.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=2000)
    args = parser.parse_args()
    if not 1 <= args.tickets <= MAX_TICKETS:
        parser.error(f"bounded: --tickets 1-{MAX_TICKETS}")
    asyncio.run(main(args.tickets))
