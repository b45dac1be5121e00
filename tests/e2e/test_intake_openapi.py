"""Schemathesis fuzzes the live intake service from its own OpenAPI document."""

import asyncio
import sys
from pathlib import Path

import pytest

from tests.running_system import System

pytestmark = pytest.mark.e2e

CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
    ]
)


async def test_no_server_error_and_no_response_that_breaks_the_schema(system: System) -> None:
    schemathesis = Path(sys.executable).parent / "schemathesis"
    process = await asyncio.create_subprocess_exec(
        str(schemathesis),
        "run",
        f"{system.url('intake')}/openapi.json",
        "--header",
        f"Authorization: Bearer {system.tokens['intake']}",
        "--checks",
        CHECKS,
        "--max-examples",
        "25",
        "--request-timeout",
        "30",
        # /readyz answers 503 by design while a consumer group rebalances: not a server error.
        "--exclude-path",
        "/readyz",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=600)
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-6000:]
    assert " passed" in report
