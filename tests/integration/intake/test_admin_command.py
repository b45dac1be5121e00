"""The command that creates the first admin credential prints a key that works, once."""

import asyncio
import os
import sys

import pytest

from tests.integration.intake.conftest import IntakeApi

pytestmark = pytest.mark.integration


async def test_create_admin_prints_a_working_admin_key(
    api: IntakeApi, database_url: str, kafka_bootstrap: str
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ticketflow_intake.cli",
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
