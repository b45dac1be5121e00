"""The migrations of each service produce exactly its declared `schema.txt`."""

import asyncpg
import pytest

from tests.infra import ROOT
from ticketflow_common.schema_catalog import SERVICES, declared_schema_path, describe_migrated

pytestmark = pytest.mark.integration

HINT = "regenerate with: make schema"


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_produce_the_declared_schema(database_url: str, service: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        migrated = await describe_migrated(conn=conn, service=service)
    finally:
        await conn.close()
    declared = declared_schema_path(ROOT, service).read_text()
    declared_lines = [line for line in declared.splitlines() if not line.startswith("--")]
    assert migrated.splitlines() == declared_lines, HINT
