"""End-to-end latency: `POST /tickets` to `ticket.assigned` on the bus, and to its webhook.

Run: `uv run python -m bench.end_to_end_latency --tickets 300 --rate 10`. Starts the four
services as processes (fresh database, 12-partition topics), a local webhook receiver and a
Kafka reader of routing's topic, files tickets at a steady rate and prints p50/p99/max of
both latencies, measured from just before each POST.
"""

import argparse
import asyncio
import contextlib
import json
import time
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.infra import bench_infra
from tests.conftest import fresh_database
from tests.processes import free_port
from tests.running_system import System, running_system, serving
from ticketflow_common.topics import ROUTING

ROOT = Path(__file__).resolve().parents[1]


class Arrivals:
    """When each ticket's assignment was seen on the bus and at the webhook receiver."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.on_bus: dict[str, float] = {}
        self.at_webhook: dict[str, float] = {}
        self.all_in = asyncio.Event()

    async def receive(self, request: Request) -> Response:
        event = json.loads(await request.body())
        if event["type"] == "ticket.assigned":
            self.at_webhook.setdefault(event["subject"], time.perf_counter())
            if len(self.at_webhook) >= self.expected:
                self.all_in.set()
        return Response(status_code=204)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hooks", self.receive, methods=["POST"])])


async def read_assignments(system: System, arrivals: Arrivals, stop: asyncio.Event) -> None:
    consumer = AIOKafkaConsumer(
        system.names.physical(ROUTING), bootstrap_servers=system.kafka_bootstrap
    )
    await consumer.start()
    try:
        while not stop.is_set():
            for records in (await consumer.getmany(timeout_ms=100)).values():
                for record in records:
                    event = json.loads(record.value or b"{}")
                    if event.get("type") == "ticket.assigned":
                        arrivals.on_bus.setdefault(event["subject"], time.perf_counter())
    finally:
        await consumer.stop()


def summary(name: str, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    if not ordered:
        return f"{name}: no samples"

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    return (
        f"{name:32} n={len(ordered):4}  p50 {at(50):7.1f} ms  p99 {at(99):7.1f} ms"
        f"  max {ordered[-1]:7.1f} ms"
    )


async def main(tickets: int, rate: float) -> None:
    infra = bench_infra()
    logs = ROOT / ".local" / "bench-e2e"
    logs.mkdir(parents=True, exist_ok=True)
    arrivals, port = Arrivals(tickets), free_port()
    sent: dict[str, float] = {}
    async with (
        fresh_database(infra) as database_url,
        running_system(
            database_url=database_url,
            kafka_bootstrap=infra.kafka_bootstrap_servers,
            logs=logs,
            partitions=12,
            extra_env={"INTAKE_LOG_LEVEL": "WARNING"},
        ) as system,
        serving(arrivals.app(), port),
        httpx.AsyncClient(timeout=30) as http,
    ):
        for n in range(10):
            await http.post(
                f"{system.url('routing')}/agents",
                json={"name": f"a{n}", "team": "bench", "skills": ["bench"], "capacity": 1000},
                headers=system.auth("routing"),
            )
        await http.post(
            f"{system.url('notify')}/endpoints",
            json={"url": f"http://127.0.0.1:{port}/hooks", "event_types": ["ticket.assigned"]},
            headers=system.auth("notify"),
        )
        stop = asyncio.Event()
        reader = asyncio.create_task(read_assignments(system, arrivals, stop))
        for n in range(tickets):
            started = time.perf_counter()
            answer = await http.post(
                f"{system.url('intake')}/tickets",
                json={
                    "subject": f"e2e {n}",
                    "requester": {"id": "u"},
                    "required_skills": ["bench"],
                },
                headers=system.auth("intake"),
            )
            sent[answer.json()["id"]] = started
            await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - started)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrivals.all_in.wait(), timeout=60)
        stop.set()
        await reader
    bus = [(arrivals.on_bus[t] - s) * 1000 for t, s in sent.items() if t in arrivals.on_bus]
    hook = [
        (arrivals.at_webhook[t] - s) * 1000 for t, s in sent.items() if t in arrivals.at_webhook
    ]
    print(f"{tickets} tickets at {rate:g}/s, 10 agents, 12 partitions, one replica each")
    print(summary("POST -> ticket.assigned on bus", bus))
    print(summary("POST -> ticket.assigned webhook", hook))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(main(args.tickets, args.rate))
