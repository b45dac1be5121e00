"""Running the `ticketflow` console script against a test system."""

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.running_system import SERVICES, System

CLI = Path(sys.executable).with_name("ticketflow")


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def cli_env(system: System, **overrides: str) -> dict[str, str]:
    """Only the test system's URLs, credential, Kafka and topic prefix; none of the caller's.

    With identity running, the one credential is the admin's API key (`TICKETFLOW_API_KEY`),
    and no service token is given: the CLI must act with identity's access tokens. Without it,
    each service's token.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_API_TOKEN") and not k.startswith("TICKETFLOW_")
    }
    for service in SERVICES:
        env[f"TICKETFLOW_{service.upper()}_URL"] = system.url(service)
        if not system.api_key:
            env[f"{service.upper()}_API_TOKEN"] = system.tokens[service]
    if system.api_key and system.identity_url:
        env["TICKETFLOW_API_KEY"] = system.api_key
        env["TICKETFLOW_IDENTITY_URL"] = system.identity_url
        env["TICKETFLOW_TOKEN_CACHE_DIR"] = ""  # each run exchanges; nothing left in ~/.cache
    env["TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS"] = system.kafka_bootstrap
    env["TICKETFLOW_TOPIC_PREFIX"] = system.names.prefix
    env["COLUMNS"] = "300"  # wide tables: ids are never cut
    return env | overrides


def assert_no_token(system: System, text: str) -> None:
    for service, token in system.tokens.items():
        assert token not in text, f"the {service} token was printed"
    if system.api_key:
        assert system.api_key.partition(".")[2] not in text, "the API key's secret was printed"
        assert system.token() not in text, "the access token was printed"


async def start_cli(
    system: System, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        str(CLI),
        *args,
        cwd=cwd,
        env=env or cli_env(system),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(system: System, process: asyncio.subprocess.Process, *, within: float) -> CliRun:
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=within)
    run = CliRun(process.returncode or 0, stdout.decode(), stderr.decode())
    assert_no_token(system, run.output)
    return run


async def run_cli(
    system: System,
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    within: float = 60.0,
) -> CliRun:
    """Run `ticketflow ARGS...` to the end; no output may contain a service token."""
    process = await start_cli(system, *args, cwd=cwd, env=env)
    return await finish(system, process, within=within)
