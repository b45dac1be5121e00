"""One way to stand up mail in a test: its migrations in a schema of the test's own, the
suite's FakeClock, the admin TOKEN, the SMTP gateway on a free loopback port when asked."""

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from tests.polling import eventually
from tests.processes import free_port
from tests.support.harness import SchemaRuntime, schema_runtime
from ticketflow_common.runtime import Runtime
from ticketflow_mail.settings import MailSettings
from ticketflow_mail.workers.smtp_gateway import run_smtp_gateway

TOKEN = secrets.token_urlsafe(24)
"""The service token: whoever presents it is an admin."""

MailRuntime = SchemaRuntime[MailSettings]


@contextlib.asynccontextmanager
async def mail_runtime(
    database_url: str,
    kafka_bootstrap: str,
    *,
    now: datetime | None = None,
    max_size: int = 6,
    **settings: Any,
) -> AsyncIterator[MailRuntime]:
    """Mail's runtime on a fresh schema; `settings` override MailSettings' fields (the gateway
    gets a free port unless one is given)."""
    settings.setdefault("smtp_gateway_port", free_port())
    async with schema_runtime(
        service="mail",
        settings=MailSettings(
            database_url=database_url,
            kafka_bootstrap_servers=kafka_bootstrap,
            api_token=TOKEN,
            auth_failure_limit=10_000,  # tests share one client address
            **settings,
        ),
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        now=now,
        max_size=max_size,
    ) as made:
        yield made


@contextlib.asynccontextmanager
async def running(runtime: Runtime[MailSettings], *loops: Any) -> AsyncIterator[None]:
    """Run service loops (workers) as the service does, stopping them after the block."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(loop(runtime, stop)) for loop in loops]
    try:
        yield
        for task in tasks:
            if task.done():
                task.result()  # a loop that crashed fails the test
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)


@contextlib.asynccontextmanager
async def smtp_gateway(runtime: Runtime[MailSettings]) -> AsyncIterator[int]:
    """The gateway serving in this loop; yields its port once it listens."""
    port = runtime.settings.smtp_gateway_port
    async with running(runtime, run_smtp_gateway):
        await eventually(
            lambda: _listens("127.0.0.1", port), what=f"the SMTP gateway on {port}", within=10
        )
        yield port


async def _listens(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection(host, port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True
