"""One and three replicas of routing, sla and notify over the same workload, side by side.

Run: `uv run python -m bench.replicas --tickets 600 --rate 40`. For each replica count it
starts the services as processes (fresh database, 12-partition topics, intake always one
replica), runs the replica test's workload (tests/workload.py: urgent tickets that all breach
a 3-second first response, one webhook endpoint for every event) at a higher rate with
open-loop arrivals, and measures from just before each POST: to `ticket.assigned` on the bus
(a Kafka reader of routing's topic) and to its webhook at a local receiver. Then it checks the
invariants and samples each process's CPU time (over the workload) and peak RSS before the
processes stop. Prints a Markdown table and writes `bench-results/replicas.json`.

`run(replicas=..., tickets=..., rate=...)` returns one column's figures as a JSON-able dict.
"""

import argparse
import asyncio
import dataclasses
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.end_to_end_latency import Arrivals, read_assignments
from bench.infra import bench_infra
from bench.latency import summarise
from bench.process_stats import watching
from tests.conftest import fresh_database
from tests.processes import free_port
from tests.running_system import SERVICES, System, running_system, serving
from tests.workload import check_invariants, configure, file_tickets

ROOT = Path(__file__).resolve().parents[1]
SCALED = ("routing", "sla", "notify")
MAX_TICKETS = 3000
MAX_RATE = 200.0
AGENTS = 10


class TimedReceiver:
    """A webhook receiver that accepts everything and notes when each event first arrived."""

    def __init__(self) -> None:
        self.first_seen: dict[str, float] = {}
        self.assigned_at: dict[str, float] = {}

    async def receive(self, request: Request) -> Response:
        event = json.loads(await request.body())
        now = time.perf_counter()
        self.first_seen.setdefault(event["id"], now)
        if event["type"] == "ticket.assigned":
            self.assigned_at.setdefault(event["subject"], now)
        return Response(status_code=204)

    def delivered_event_ids(self) -> set[str]:
        return set(self.first_seen)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hooks", self.receive, methods=["POST"])])


def latency_ms(posted_at: dict[str, float], arrived_at: dict[str, float]) -> dict[str, Any]:
    return summarise([(arrived_at[t] - s) * 1000 for t, s in posted_at.items() if t in arrived_at])


async def handling(system: System, service: str) -> dict[str, Any]:
    """Events each replica's consumer applied, and the mean time to apply one (all replicas),
    from their /metrics: where replicas wait on each other, the mean grows."""
    per_replica: list[int] = []
    seconds = 0.0
    async with httpx.AsyncClient(timeout=10) as http:
        for process in system.replicas[service]:
            text = (await http.get(f"{process.url}/metrics")).text
            count = 0.0
            for family in text_string_to_metric_families(text):
                if family.name != "ticketflow_event_handle_seconds":
                    continue
                for sample in family.samples:
                    if sample.name.endswith("_count"):
                        count += sample.value
                    elif sample.name.endswith("_sum"):
                        seconds += sample.value
            per_replica.append(int(count))
    total = sum(per_replica)
    return {
        "events_handled_per_replica": per_replica,
        "mean_handle_ms": round(seconds / total * 1000, 1) if total else None,
    }


async def run(*, replicas: int, tickets: int, rate: float) -> dict[str, Any]:
    """Start the system with `replicas` of routing, sla and notify, run the workload, measure."""
    if not (1 <= tickets <= MAX_TICKETS and 0 < rate <= MAX_RATE and 1 <= replicas <= 6):
        raise ValueError(f"bounded: tickets 1-{MAX_TICKETS}, rate up to {MAX_RATE}, replicas 1-6")
    infra = bench_infra()
    logs = ROOT / ".local" / "bench-replicas" / f"{replicas}"
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
        processes = [
            (service, p.process.pid)
            for service, replicas_of in system.replicas.items()
            for p in replicas_of
            if p.process is not None
        ]
        async with watching(processes) as watch:
            await configure(
                system=system,
                receiver_url=f"http://127.0.0.1:{port}/hooks",
                skill="bench",
                agents=AGENTS,
                capacity=tickets // AGENTS + 10,  # nobody is full: every ticket is assigned
            )
            arrivals = Arrivals()
            on_bus = arrivals.on_bus
            stop = asyncio.Event()
            reader = asyncio.create_task(read_assignments(system, arrivals, stop))
            accepted: dict[str, str] = {}
            posted_at: dict[str, float] = {}
            filing_seconds = await file_tickets(
                system=system,
                count=tickets,
                per_second=rate,
                accepted=accepted,
                skill="bench",
                open_loop=True,
                posted_at=posted_at,
            )
            invariants = await check_invariants(
                system=system,
                tickets=set(accepted.values()),
                receiver=receiver,
                settle_within=180,
                deliver_within=180,
                drain_within=30,
                interval=2,
            )
            stop.set()
            await reader
            handled = {service: await handling(system, service) for service in SCALED}
        resources = {
            service: {
                **handled.get(service, {}),
                "replicas": int(used["replicas"]),
                "cpu_seconds": used["cpu_s"],
                "peak_rss_mib": used["peak_rss_mib"],
            }
            for service, used in watch.by_name().items()
        }
    return {
        "replicas": replicas,
        "tickets_requested": tickets,
        "tickets_accepted": len(accepted),
        "rate_requested": rate,
        "rate_achieved": round(len(accepted) / filing_seconds, 1) if filing_seconds else None,
        "post_to_assigned_on_bus_ms": latency_ms(posted_at, on_bus),
        "post_to_assigned_webhook_ms": latency_ms(posted_at, receiver.assigned_at),
        "seconds_to_all_assigned": invariants.seconds_to_all_assigned,
        "seconds_to_settle": invariants.seconds_to_all_delivered,
        "invariants_held": invariants.held,
        "invariants": dataclasses.asdict(invariants),
        "services": resources,
        "exit_codes": system.exit_codes,
    }


def cell(value: object) -> str:
    return "n/a" if value is None else str(value)


def held(figures: dict[str, Any]) -> str:
    """yes/NO with the counts behind it."""
    found = figures["invariants"]
    tickets, events = found["tickets"], found["events_expected"]
    counts = (
        f"assigned once {found['assigned_once']}/{tickets},"
        f" breached once {found['breached_once']}/{tickets},"
        f" delivered {found['delivered']}/{events},"
        f" logged once {found['delivery_log_once']}/{events},"
        f" outbox left {found['outbox_left']}"
    )
    return f"{'yes' if figures['invariants_held'] else 'NO'} ({counts})"


def table(runs: list[dict[str, Any]]) -> str:
    """The runs side by side, one column each."""
    bus, hook = "post_to_assigned_on_bus_ms", "post_to_assigned_webhook_ms"
    rows: list[tuple[str, list[str]]] = [
        ("replicas of routing, sla, notify", [str(r["replicas"]) for r in runs]),
        ("tickets accepted", [str(r["tickets_accepted"]) for r in runs]),
        ("rate requested / achieved (/s)",
         [f"{r['rate_requested']:g} / {cell(r['rate_achieved'])}" for r in runs]),
        ("POST → ticket.assigned on bus p50 / p99 ms",
         [f"{cell(r[bus].get('p50_ms'))} / {cell(r[bus].get('p99_ms'))}" for r in runs]),
        ("POST → its webhook p50 / p99 ms",
         [f"{cell(r[hook].get('p50_ms'))} / {cell(r[hook].get('p99_ms'))}" for r in runs]),
        ("first created → all assigned s", [cell(r["seconds_to_all_assigned"]) for r in runs]),
        ("first created → all delivered (settled) s",
         [cell(r["seconds_to_settle"]) for r in runs]),
        ("invariants held", [held(r) for r in runs]),
    ]  # fmt: skip
    for service in SERVICES:
        rows.append(
            (
                f"{service}: CPU s over the workload / peak RSS MiB (all replicas)",
                [
                    f"{r['services'][service]['cpu_seconds']}"
                    f" / {r['services'][service]['peak_rss_mib']}"
                    for r in runs
                ],
            )
        )
    for service in SCALED:
        rows.append(
            (
                f"{service}: events handled per replica / mean ms to apply one",
                [
                    f"{r['services'][service]['events_handled_per_replica']}"
                    f" / {cell(r['services'][service]['mean_handle_ms'])}"
                    for r in runs
                ],
            )
        )
    lines = [f"| {label} | " + " | ".join(values) + " |" for label, values in rows]
    lines.insert(1, "|---" * (len(runs) + 1) + "|")
    return "\n".join(lines)


async def main(tickets: int, rate: float) -> None:
    runs = [await run(replicas=n, tickets=tickets, rate=rate) for n in (1, 3)]
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; {tickets} urgent tickets at"
        f" {rate:g}/s (open loop), {AGENTS} agents, 12 partitions, intake 1 replica,"
        " load generator, Kafka reader and webhook receiver in this process"
    )
    print(table(runs))
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "replicas.json").write_text(
        json.dumps({"cores": os.cpu_count(), "runs": runs}, indent=2)
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=600)
    parser.add_argument("--rate", type=float, default=40.0, help="tickets per second")
    args = parser.parse_args()
    if not (1 <= args.tickets <= MAX_TICKETS and 0 < args.rate <= MAX_RATE):
        parser.error(f"bounded: --tickets 1-{MAX_TICKETS}, --rate up to {MAX_RATE:g}")
    asyncio.run(main(args.tickets, args.rate))
