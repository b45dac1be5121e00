"""`python -m ticketflow_<service> migrate`, what the Helm chart's hook Job runs once per release:
it brings the schema up to date and exits; a second run finds nothing to do."""

import os
import secrets
import subprocess
import sys

import asyncpg
import pytest

from ticketflow_common.migrations import service_migrations

pytestmark = pytest.mark.integration


def run_migrate(service: str, database_url: str) -> str:
    prefix = service.upper()
    env = {
        **os.environ,
        f"{prefix}_DATABASE_URL": database_url,
        f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": "unused.invalid:9092",  # migrate needs no broker
        f"{prefix}_HTTP_PORT": "1",
        f"{prefix}_API_TOKEN": secrets.token_urlsafe(24),
        f"{prefix}_IDENTITY_ISSUER": "http://identity.invalid",
        f"{prefix}_SURVEY_LINK_SECRET": secrets.token_urlsafe(32),
        f"{prefix}_APPROVAL_LINK_SECRET": secrets.token_urlsafe(32),
    }
    done = subprocess.run(
        [sys.executable, "-m", f"ticketflow_{service}", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


# intake parses its own commands; routing shares operator_commands with the other services.
@pytest.mark.parametrize("service", ["intake", "routing"])
async def test_migrate_brings_the_schema_up_to_date_then_has_nothing_to_do(
    database_url: str, service: str
) -> None:
    run_migrate(service, database_url)
    assert run_migrate(service, database_url) == f"{service}: 0 migrations applied"
    conn = await asyncpg.connect(database_url)
    try:
        recorded = await conn.fetch(f'SELECT name FROM "{service}".schema_migrations')
    finally:
        await conn.close()
    assert {r["name"] for r in recorded} == {m.name for m in service_migrations(service)}
