"""The HTTP servers benchmarks start as processes: intake alone, and the bare FastAPI baseline."""

import secrets
from pathlib import Path

from tests.processes import ServiceProcess, free_port

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / ".local" / "bench"


def intake_server(*, database_url: str, kafka: str, topic_prefix: str) -> ServiceProcess:
    """Intake on a free port with rate limiting out of the way and quiet logs."""
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    return ServiceProcess(
        "intake",
        {
            "INTAKE_DATABASE_URL": database_url,
            "INTAKE_KAFKA_BOOTSTRAP_SERVERS": kafka,
            "INTAKE_API_TOKEN": secrets.token_urlsafe(24),
            "INTAKE_TOPIC_PREFIX": topic_prefix,
            "INTAKE_HTTP_PORT": str(port),
            "INTAKE_RATE_LIMIT_PER_SECOND": "1000000",
            "INTAKE_RATE_LIMIT_BURST": "1000000",
            "INTAKE_LOG_LEVEL": "WARNING",
        },
        port,
        LOGS / "intake.log",
    )


def intake_auth(intake: ServiceProcess) -> dict[str, str]:
    return {"Authorization": f"Bearer {intake.env['INTAKE_API_TOKEN']}"}


def bare_server(*, database_url: str) -> ServiceProcess:
    """One FastAPI route inserting one row with asyncpg: the HTTP + database floor."""
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    return ServiceProcess(
        "bench.bare_insert_app",
        {"BARE_DATABASE_URL": database_url, "BARE_PORT": str(port)},
        port,
        LOGS / "bare.log",
    )
