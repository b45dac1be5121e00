"""Where tests get Postgres and Kafka: the environment, else testcontainers, else local scripts."""

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL_VAR = "TICKETFLOW_DATABASE_URL"
KAFKA_VAR = "TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS"


@dataclass(frozen=True)
class Infra:
    database_url: str
    kafka_bootstrap_servers: str
    origin: str


def from_environment() -> Infra | None:
    url, kafka = os.environ.get(DATABASE_URL_VAR), os.environ.get(KAFKA_VAR)
    if url and kafka:
        return Infra(url, kafka, origin="environment")
    return None


def docker_engine_answers() -> bool:
    """True only when a Docker engine (not just the client) responds."""
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


def from_testcontainers(register_cleanup: Callable[[Callable[[], None]], None]) -> Infra:
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.postgres import PostgresContainer

    postgres = PostgresContainer("postgres:15", driver=None).start()
    register_cleanup(postgres.stop)
    kafka = KafkaContainer("confluentinc/cp-kafka:7.6.0").with_kraft().start()
    register_cleanup(kafka.stop)
    return Infra(
        database_url=postgres.get_connection_url(),
        kafka_bootstrap_servers=kafka.get_bootstrap_server(),
        origin="testcontainers",
    )


def from_local_scripts() -> Infra:
    """Start (or reuse) the project's own Postgres and Kafka on loopback."""
    subprocess.run([str(ROOT / "infra/local/up.sh")], check=True, stdout=subprocess.DEVNULL)
    values = dict(
        line.split("=", 1) for line in (ROOT / ".local/env").read_text().splitlines() if "=" in line
    )
    return Infra(values[DATABASE_URL_VAR], values[KAFKA_VAR], origin="local scripts")


def resolve_infra(register_cleanup: Callable[[Callable[[], None]], None]) -> Infra:
    found = from_environment()
    if found is not None:
        return found
    if docker_engine_answers():
        return from_testcontainers(register_cleanup)
    return from_local_scripts()
