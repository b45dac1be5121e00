"""The command that creates the first admin credential prints a key that works, once."""

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import pytest

from tests.conftest import fresh_database
from tests.infra import Infra
from tests.integration.intake.conftest import (
    IntakeApi,
    closing,
    intake_harness,
    intake_settings,
)
from tests.support.clock import FakeClock
from ticketflow_common.db import create_pool

pytestmark = pytest.mark.integration


@pytest.fixture
async def own_database(infra: Infra) -> AsyncIterator[str]:
    """A database of this test's own: the command writes to the service's schema, `intake`
    (it takes no schema), which starts empty there and is dropped with the database."""
    async with fresh_database(infra) as url:
        yield url


@pytest.fixture
async def service_schema_api(own_database: str, kafka_bootstrap: str) -> AsyncIterator[IntakeApi]:
    """Intake on the `intake` schema of that database, as the command leaves it."""
    pool = await create_pool(dsn=own_database, schema="intake", max_size=2)
    try:
        settings = intake_settings(own_database, kafka_bootstrap)
        harness = intake_harness(settings=settings, pool=pool, schema="intake", clock=FakeClock())
        async with closing(harness):
            yield IntakeApi.on(harness)
    finally:
        await pool.close()


async def test_create_admin_prints_a_working_admin_key(
    own_database: str, kafka_bootstrap: str, service_schema_api: IntakeApi
) -> None:
    api = service_schema_api
    database_url = own_database
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ticketflow_intake",
        "create-admin",
        "--name",
        "first-admin",
        env={
            **os.environ,
            "INTAKE_DATABASE_URL": database_url,
            "INTAKE_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "INTAKE_API_TOKEN": "only-needed-to-load-settings-0123",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    token = out.decode().strip()
    assert token.startswith("tfk_")
    async with api.client(token) as admin:
        issued = await admin.post(
            "/credentials", json={"name": "portal", "role": "requester", "subject": "u-77"}
        )
        listed = await admin.get("/credentials")
    assert issued.status_code == 201
    assert token not in listed.text, "keys are stored hashed and never shown again"
    async with api.pool.acquire() as conn:
        stored = await conn.fetchval(
            "SELECT secret_hash FROM credentials WHERE name = 'first-admin'"
        )
    assert token.split(".", 1)[1].encode() not in bytes(stored)


async def run_command(database_url: str, kafka_bootstrap: str, *args: str) -> str:
    """Run `python -m ticketflow_intake <args>`; its stdout."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ticketflow_intake",
        *args,
        env={
            **os.environ,
            "INTAKE_DATABASE_URL": database_url,
            "INTAKE_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "INTAKE_API_TOKEN": "only-needed-to-load-settings-0123",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_reindex_search_analyses_older_rows_and_prints_only_its_count(
    own_database: str, kafka_bootstrap: str, service_schema_api: IntakeApi
) -> None:
    api = service_schema_api
    # The command migrates the schema first, as create-admin does.
    assert await run_command(own_database, kafka_bootstrap, "reindex-search") == (
        "analysed 0 tickets\n"
    )
    async with api.client(await api.key("agent", "indexer")) as agent:
        created = await agent.post(
            "/tickets",
            json={
                "subject": "三楼打印机无法连接网络",
                "requester": {"id": "u-1"},
                "language": "zh",
            },
        )
        assert created.status_code == 201, created.text
        async with api.pool.acquire() as conn:
            await conn.execute("UPDATE tickets SET search_analysis = NULL, terms_public = ''")
        before = await agent.get("/tickets", params={"q": "打印机"})
        out = await run_command(own_database, kafka_bootstrap, "reindex-search", "--batch", "1")
        after = await agent.get("/tickets", params={"q": "打印机"})
    assert out == "analysed 1 tickets\n", "jieba logs nothing to stdout"
    assert before.json()["items"] == []
    assert [t["id"] for t in after.json()["items"]] == [created.json()["id"]]
