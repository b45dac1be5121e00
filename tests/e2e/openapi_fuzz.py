"""One way to fuzz any service from its own OpenAPI document with schemathesis."""

import asyncio
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.running_system import System

CHECKS = (
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
)
SEED = 20261201
MAX_EXAMPLES = 25


@dataclass(frozen=True)
class FuzzRun:
    returncode: int
    report: str
    seconds: float

    def failures(self, width: int = 400) -> str:
        """The report from its first failure on, each line cut to `width` (payloads are long)."""
        start = self.report.find("FAILURES")
        lines = self.report[start if start >= 0 else 0 :].splitlines()
        return "\n".join(line[:width] for line in lines)


async def fuzz(system: System, service: str, *, max_examples: int = MAX_EXAMPLES) -> FuzzRun:
    """Every phase (examples, coverage, fuzzing, stateful over the links schemathesis infers
    from the schema and Location headers) with a fixed seed, against the live service."""
    schemathesis = Path(sys.executable).parent / "schemathesis"
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        str(schemathesis),
        "run",
        f"{system.url(service)}/openapi.json",
        "--header",
        f"Authorization: Bearer {system.bearer(service)}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(max_examples),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        # /readyz answers 503 by design while a dependency it needs is away: not a server error.
        "--exclude-path",
        "/readyz",
        "--no-color",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=600)
    assert process.returncode is not None
    return FuzzRun(process.returncode, output.decode(errors="replace"), time.monotonic() - started)
