"""The machine's own limits, to read every Ticketflow figure against.

Run: `uv run python -m bench.baselines`. Prints and writes `bench-results/baselines.json`:
- Postgres: pgbench single-row INSERT transactions per second (the commit ceiling), 1 and 16
  clients;
- Kafka: raw aiokafka (idempotent, acks=all) produce throughput, and produce-to-consume
  latency of one message at a time;
- HTTP: a bare FastAPI endpoint inserting one row with asyncpg, 16 concurrent clients.
"""

import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiokafka import AIOKafkaConsumer

from bench.http_load import run_closed_loop
from bench.infra import bench_infra
from bench.servers import bare_server
from tests.conftest import fresh_database
from tests.infra import Infra
from tests.kafka_helpers import delete_topics
from ticketflow_common.kafka import new_producer
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.topics import TICKETS, TopicNames

ROOT = Path(__file__).resolve().parents[1]
INSERT = 'INSERT INTO baseline_rows (body) VALUES (\'{"subject": "x"}\'::jsonb);\n'


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is not installed (Debian's postgresql-client provides it)"
    return found


def pgbench_tps(database_url: str, clients: int, seconds: int) -> float:
    """Single-row INSERT transactions per second, prepared statements, no vacuum."""
    url = urlsplit(database_url)
    env = {
        **os.environ,
        "PGHOST": url.hostname or "127.0.0.1",
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "",
        "PGPASSWORD": url.password or "",
        "PGDATABASE": url.path.lstrip("/"),
    }
    subprocess.run(
        [tool("psql"), "-qc", "CREATE TABLE IF NOT EXISTS baseline_rows"
         " (id bigserial PRIMARY KEY, body jsonb NOT NULL)"],
        env=env, check=True,
    )  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
        script.write(INSERT)
        script.flush()
        command = [tool("pgbench"), "-n", "-M", "prepared", "-c", str(clients)]
        command += ["-j", str(min(clients, 2)), "-T", str(seconds), "-f", script.name]
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    found = re.search(r"tps = ([0-9.]+)", out)
    assert found, out
    return float(found.group(1))


async def kafka_figures(bootstrap: str, messages: int, pings: int) -> dict[str, float]:
    names = TopicNames(f"base{uuid.uuid4().hex[:6]}.")
    await ensure_topics(bootstrap_servers=bootstrap, names=names, partitions=12, only=[TICKETS])
    topic = names.physical(TICKETS)
    producer = new_producer(bootstrap, client_id="baseline")
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="latest")
    await producer.start()
    await consumer.start()
    try:
        await consumer.getmany(timeout_ms=1000)
        payload = b'{"specversion":"1.0","type":"ticket.created","data":{"subject":"x"}}'
        started = time.perf_counter()
        sends = [await producer.send(topic, payload, key=str(n).encode()) for n in range(messages)]
        await asyncio.gather(*sends)
        throughput = messages / (time.perf_counter() - started)
        await consumer.seek_to_end()
        latencies = []
        for n in range(pings):
            key = f"ping-{n}".encode()
            sent = time.perf_counter()
            await producer.send_and_wait(topic, payload, key=key)
            seen = False
            while not seen:
                for records in (await consumer.getmany(timeout_ms=1000)).values():
                    seen = seen or any(r.key == key for r in records)
            latencies.append((time.perf_counter() - sent) * 1000)
    finally:
        await consumer.stop()
        await producer.stop()
        await delete_topics(bootstrap=bootstrap, prefix=names.prefix)
    latencies.sort()
    return {
        "produce_msgs_per_s": round(throughput),
        "produce_to_consume_p50_ms": round(latencies[len(latencies) // 2], 2),
        "produce_to_consume_p99_ms": round(latencies[int(len(latencies) * 0.99)], 2),
    }


async def bare_http(database_url: str, seconds: float) -> dict[str, Any]:
    """Closed loop over 16 connections: the most requests/s a bare FastAPI insert answers."""
    bare = bare_server(database_url=database_url)
    await bare.start()
    try:
        await bare.wait_ready(path="/docs")
        result = await run_closed_loop(
            url=f"{bare.url}/rows",
            body=lambda n: {"subject": f"row {n}"},
            headers={},
            concurrency=16,
            seconds=seconds,
        )
    finally:
        await bare.terminate()
    row = result.row()
    return {"req_per_s": row["achieved_per_s"], "p50_ms": row.get("p50_ms"),
            "p99_ms": row.get("p99_ms"), "errors": row["errors"]}  # fmt: skip


async def run(*, infra: Infra) -> dict[str, Any]:
    """The three ceilings, measured now on this machine."""
    figures: dict[str, Any] = {}
    async with fresh_database(infra) as database_url:
        figures["pgbench_insert_tps"] = {
            "1 client": await asyncio.to_thread(pgbench_tps, database_url, 1, 10),
            "16 clients": await asyncio.to_thread(pgbench_tps, database_url, 16, 10),
        }
        figures["bare_fastapi_asyncpg_insert"] = await bare_http(database_url, 10)
    figures["kafka_raw_aiokafka"] = await kafka_figures(
        infra.kafka_bootstrap_servers, messages=20_000, pings=300
    )
    return figures


async def main() -> None:
    figures = await run(infra=bench_infra())
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "baselines.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
