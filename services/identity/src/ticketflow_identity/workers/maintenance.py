"""The upkeep worker: expired and rotated keys revoked, signing keys rotated when due."""

import asyncio
from datetime import datetime

import asyncpg

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import on_pool, run_work_loop
from ticketflow_identity.commands.maintenance import END_BATCH, maintain
from ticketflow_identity.settings import IdentitySettings


async def run_maintenance(runtime: Runtime[IdentitySettings], stop: asyncio.Event) -> None:
    async def batch(conn: asyncpg.Connection, now: datetime) -> int:
        return await maintain(conn=conn, settings=runtime.settings, now=now)

    await run_work_loop(
        name="identity maintenance",
        work=on_pool(runtime.pool, runtime.clock, batch),
        batch_size=END_BATCH,
        max_idle_seconds=runtime.settings.maintenance_seconds,
        stop=stop,
        clock=runtime.clock,
    )
