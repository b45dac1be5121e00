"""What the timer benchmarks share: a scratch database and topic prefix for one run, and real
service processes on it, each watched for CPU and memory."""

import asyncio
import contextlib
import os
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bench.process_stats import ProcessStats
from tests.conftest import with_database
from tests.infra import Infra
from tests.kafka_helpers import delete_topics
from tests.processes import ServiceProcess, free_port
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.topics import TopicNames


@dataclass(frozen=True)
class Scratch:
    """A database and topic prefix of one benchmark run, and where the processes log."""

    database_url: str
    kafka: str
    prefix: str
    logs: Path


@contextlib.asynccontextmanager
async def scratch(infra: Infra) -> AsyncIterator[Scratch]:
    """A fresh database and topics for the block; both dropped afterwards."""
    admin_url, kafka = infra.database_url, infra.kafka_bootstrap_servers
    database = f"tf_bench_{uuid.uuid4().hex[:8]}"
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    logs = Path(os.environ.get("TMPDIR", "/tmp")) / database
    logs.mkdir(parents=True, exist_ok=True)
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{database}"')
    try:
        await ensure_topics(bootstrap_servers=kafka, names=TopicNames(prefix), partitions=3)
        yield Scratch(with_database(admin_url, database), kafka, prefix, logs)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()
        await delete_topics(bootstrap=kafka, prefix=prefix)


@dataclass
class Replica:
    service: ServiceProcess
    stats: ProcessStats


async def start_replicas(
    name: str, count: int, *, on: Scratch, tag: str = "", extra_env: dict[str, str] | None = None
) -> list[Replica]:
    """`count` processes of service `name` on the scratch database, each ready on return."""
    replicas = []
    env_prefix = f"{name.upper()}_"
    for index in range(count):
        port = free_port()
        env = {
            f"{env_prefix}DATABASE_URL": on.database_url,
            f"{env_prefix}KAFKA_BOOTSTRAP_SERVERS": on.kafka,
            f"{env_prefix}API_TOKEN": secrets.token_urlsafe(24),
            f"{env_prefix}TOPIC_PREFIX": on.prefix,
            f"{env_prefix}HTTP_PORT": str(port),
            f"{env_prefix}LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        service = ServiceProcess(name, env, port, on.logs / f"{name}-{tag}{index}.log")
        await service.start()
        assert service.process is not None
        replicas.append(Replica(service, ProcessStats(name, service.process.pid)))
    for replica in replicas:
        await replica.service.wait_ready(within=60)
    return replicas


async def stop_replicas(replicas: list[Replica]) -> None:
    await asyncio.gather(*(replica.service.terminate() for replica in replicas))


def process_figures(replicas: list[Replica]) -> list[dict[str, float]]:
    """Each replica's CPU seconds, RSS and peak RSS (MiB), as the reports keep them."""
    return [
        {
            "cpu_s": round(r.stats.cpu_used, 2),
            "rss_mib": round(r.stats.rss_kib / 1024, 1),
            "peak_rss_mib": round(r.stats.peak_rss_kib / 1024, 1),
        }
        for r in replicas
    ]


def print_replicas(replicas: list[Replica]) -> None:
    for i, replica in enumerate(replicas):
        print(
            f"replica {i}: RSS {replica.stats.rss_kib / 1024:.0f} MiB,"
            f" peak {replica.stats.peak_rss_kib / 1024:.0f} MiB,"
            f" CPU {replica.stats.cpu_used:.1f} s"
        )
