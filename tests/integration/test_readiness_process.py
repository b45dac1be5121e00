"""A real intake process started during a Kafka outage: ready, takes tickets into its outbox,
publishes them once Kafka answers, and is not ready once Postgres is gone.

Postgres is a private throwaway cluster (tests/private_postgres.py), so stopping it stops no
one else; "Kafka away" is a bootstrap port nothing listens on, until the test forwards it to the
shared broker (which then advertises its own address, as a real broker would).
"""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.kafka_helpers import delete_topics
from tests.polling import eventually
from tests.private_postgres import private_postgres
from tests.processes import ServiceProcess, free_port
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.topics import TopicNames

pytestmark = pytest.mark.integration

TOKEN = "readiness-process-token-0123456789"


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def forwarding(port: int, to: str) -> AsyncIterator[None]:
    """Kafka answering again on `port`: every connection forwarded to the broker at `to`."""
    host, _, target_port = to.rpartition(":")

    async def forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(host, int(target_port))
        await asyncio.gather(
            _pipe(reader, up_writer), _pipe(up_reader, writer), return_exceptions=True
        )

    server = await asyncio.start_server(forward, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()


async def outbox_rows(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [r["topic"] for r in await conn.fetch("SELECT topic FROM intake.outbox")]
    finally:
        await conn.close()


def intake_process(*, database_url: str, kafka_port: int, prefix: str, log: Path) -> ServiceProcess:
    port = free_port()
    env = {
        "INTAKE_DATABASE_URL": database_url,
        "INTAKE_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{kafka_port}",
        "INTAKE_API_TOKEN": TOKEN,
        "INTAKE_TOPIC_PREFIX": prefix,
        "INTAKE_HTTP_PORT": str(port),
    }
    return ServiceProcess("intake", env, port, log)


async def test_intake_is_ready_and_takes_tickets_while_kafka_is_away(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    kafka_port = free_port()
    names = TopicNames(f"rp{uuid.uuid4().hex[:8]}.")
    with private_postgres() as pg:
        intake = intake_process(
            database_url=pg.url, kafka_port=kafka_port, prefix=names.prefix, log=tmp_path / "log"
        )
        await intake.start()
        try:
            await intake.wait_ready(within=60, consuming=False)
            async with httpx.AsyncClient(base_url=intake.url) as http:
                ready = (await http.get("/readyz")).json()
                assert ready["status"] == "degraded", ready
                assert ready["down"] == ["kafka", "consumers"], "not yet started: Kafka is away"

                filed = await http.post(
                    "/tickets",
                    json={"subject": "VPN 断开了", "requester": {"id": "u-1"}},
                    headers={"Authorization": f"Bearer {TOKEN}"},
                )
                assert filed.status_code == 201, filed.text
                topics = await outbox_rows(pg.url)
                assert topics, "the ticket's events wait in the outbox"

                await ensure_topics(
                    bootstrap_servers=kafka_bootstrap, names=names, only=sorted(set(topics))
                )
                async with forwarding(kafka_port, kafka_bootstrap):

                    async def drained() -> bool:
                        return not await outbox_rows(pg.url)

                    await eventually(
                        drained, what="the outbox to drain once Kafka answers", within=60
                    )

                pg.stop()
                gone = await http.get("/readyz")
                assert gone.status_code == 503, gone.text
                assert "postgres" in gone.json()["down"]
                assert gone.json()["postgres"].startswith("failing")
        finally:
            await intake.kill()
            await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)


async def test_a_service_that_never_reached_kafka_stops_cleanly_on_sigterm(
    tmp_path: Path,
) -> None:
    """The producer's and consumers' start retries end with the stop; exit code 0."""
    with private_postgres() as pg:
        intake = intake_process(
            database_url=pg.url, kafka_port=free_port(), prefix="rq.", log=tmp_path / "log"
        )
        await intake.start()
        try:
            await intake.wait_ready(within=60, consuming=False)
            assert await intake.terminate(within=30) == 0, intake.tail_log()
        finally:
            await intake.kill()
