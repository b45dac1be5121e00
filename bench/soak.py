"""Soak: a steady ticket stream through all four services for N minutes, sampling memory and lag.

Run: `uv run python -m bench.soak --minutes 30 --rate 5`. Every ticket is assigned, its SLA
runs (first response in 60 s, so some breach), agents reply to and resolve most of them, and
every event is delivered to a local webhook receiver. Every `--sample` seconds it prints each
service's RSS, the summed consumer lag, the outbox backlog and pending deliveries; at the end
the growth of memory and lag between the first and the last fifth of the run.
"""

import argparse
import asyncio
import itertools
import random
import re
import statistics
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.infra import bench_infra
from bench.process_stats import memory_kib
from tests.conftest import fresh_database
from tests.processes import free_port
from tests.running_system import SERVICES, System, running_system, serving

ROOT = Path(__file__).resolve().parents[1]
LAG = re.compile(r"^ticketflow_consumer_lag_messages\{[^}]*\} ([0-9.e+]+)$", re.M)


class CountingReceiver:
    def __init__(self) -> None:
        self.delivered = 0

    async def receive(self, _request: Request) -> Response:
        self.delivered += 1
        return Response(status_code=204)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hooks", self.receive, methods=["POST"])])


async def setup(system: System, receiver_url: str, http: httpx.AsyncClient) -> None:
    await http.put(
        f"{system.url('sla')}/policies/soak",
        json={"position": 1, "first_response_seconds": 60, "resolution_seconds": 600},
        headers=system.auth("sla"),
    )
    for n in range(20):
        await http.post(
            f"{system.url('routing')}/agents",
            json={"name": f"agent {n}", "team": "soak", "skills": ["soak"], "capacity": 50},
            headers=system.auth("routing"),
        )
    await http.post(
        f"{system.url('notify')}/endpoints",
        json={"url": receiver_url},
        headers=system.auth("notify"),
    )


async def work_ticket(system: System, http: httpx.AsyncClient, ticket_id: str) -> None:
    """An agent replies after a while and usually resolves the ticket."""
    await asyncio.sleep(random.uniform(5, 90))
    auth = system.auth("intake")
    await http.post(
        f"{system.url('intake')}/tickets/{ticket_id}/comments", json={"body": "on it"}, headers=auth
    )
    if random.random() < 0.8:
        await http.post(
            f"{system.url('intake')}/tickets/{ticket_id}/status",
            json={"status": "resolved"},
            headers=auth,
        )


async def stream(
    system: System, http: httpx.AsyncClient, rate: float, until: float, stats: dict[str, int]
) -> None:
    workers: set[asyncio.Task[None]] = set()
    for n in itertools.count():
        if time.monotonic() >= until:
            break
        answer = await http.post(
            f"{system.url('intake')}/tickets",
            json={
                "subject": f"soak {n}",
                "requester": {"id": f"u-{n % 300}"},
                "required_skills": ["soak"],
            },
            headers=system.auth("intake"),
        )
        stats["filed" if answer.status_code == 201 else "refused"] += 1
        if answer.status_code == 201:
            task = asyncio.create_task(work_ticket(system, http, answer.json()["id"]))
            workers.add(task)
            task.add_done_callback(workers.discard)
        await asyncio.sleep(1 / rate)
    await asyncio.gather(*workers, return_exceptions=True)


async def sample(system: System, http: httpx.AsyncClient) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for service in SERVICES:
        process = system.services[service].process
        assert process is not None
        row[f"{service}_mib"] = round((memory_kib(process.pid) or (0, 0))[0] / 1024, 1)
    lag = 0.0
    for service in SERVICES:
        metrics = (await http.get(f"{system.url(service)}/metrics")).text
        lag += sum(float(v) for v in LAG.findall(metrics))
    row["lag"] = int(lag)
    conn = await asyncpg.connect(system.database_url)
    try:
        row["outbox"] = sum(
            [await conn.fetchval(f"SELECT count(*) FROM {s}.outbox") for s in SERVICES]
        )
        row["pending_deliveries"] = await conn.fetchval(
            "SELECT count(*) FROM notify.deliveries WHERE status = 'pending'"
        )
    finally:
        await conn.close()
    return row


async def main(minutes: float, rate: float, every: float) -> None:
    infra = bench_infra()
    logs = ROOT / ".local" / "soak"
    logs.mkdir(parents=True, exist_ok=True)
    receiver, port = CountingReceiver(), free_port()
    stats = {"filed": 0, "refused": 0}
    samples: list[dict[str, Any]] = []
    async with (
        fresh_database(infra) as database_url,
        running_system(
            database_url=database_url,
            kafka_bootstrap=infra.kafka_bootstrap_servers,
            logs=logs,
            partitions=12,
            extra_env={"INTAKE_LOG_LEVEL": "WARNING", "NOTIFY_LOG_LEVEL": "WARNING"},
        ) as system,
        serving(receiver.app(), port),
        httpx.AsyncClient(timeout=30) as http,
    ):
        await setup(system, f"http://127.0.0.1:{port}/hooks", http)
        started = time.monotonic()
        until = started + minutes * 60
        feeding = asyncio.create_task(stream(system, http, rate, until, stats))
        print(
            "  min | " + " | ".join(["intake", "routing", "sla", "notify"]) + " MiB | lag |"
            " outbox | pending deliveries | filed | delivered"
        )
        while not feeding.done():
            await asyncio.wait([feeding], timeout=every)
            row = await sample(system, http)
            row["minute"] = round((time.monotonic() - started) / 60, 1)
            samples.append(row)
            print(
                f"{row['minute']:5} | {row['intake_mib']} | {row['routing_mib']} | {row['sla_mib']}"
                f" | {row['notify_mib']} | {row['lag']} | {row['outbox']}"
                f" | {row['pending_deliveries']} | {stats['filed']} | {receiver.delivered}",
                flush=True,
            )
    fifth = max(1, len(samples) // 5)
    first, last = samples[:fifth], samples[-fifth:]
    print(
        f"tickets filed {stats['filed']}, refused {stats['refused']},"
        f" webhook deliveries {receiver.delivered}"
    )
    for key in [f"{s}_mib" for s in SERVICES] + ["lag", "outbox"]:
        early = statistics.fmean(r[key] for r in first)
        late = statistics.fmean(r[key] for r in last)
        change = late - early
        print(f"{key:12} first fifth {early:8.1f}  last fifth {late:8.1f}  change {change:+.1f}")
    print(f"graceful exit codes: {system.exit_codes}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=5.0, help="tickets per second")
    parser.add_argument("--sample", type=float, default=30.0, help="seconds between samples")
    args = parser.parse_args()
    asyncio.run(main(args.minutes, args.rate, args.sample))
