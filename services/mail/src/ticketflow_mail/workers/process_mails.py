"""The processing worker: makes stored mails into events as soon as they are stored (woken by
the mails table's NOTIFY), else every few seconds; any number of replicas share the work."""

import asyncio

import asyncpg

from ticketflow_common.runtime import Runtime
from ticketflow_common.wakeups import listening
from ticketflow_common.work_loop import run_work_loop
from ticketflow_mail.commands.process_mail import Limits, process_received
from ticketflow_mail.settings import MailSettings


async def run_process_mails(runtime: Runtime[MailSettings], stop: asyncio.Event) -> None:
    settings = runtime.settings
    limits = Limits.from_settings(settings)
    wakeup = asyncio.Event()

    async def work() -> int:
        async with runtime.pool.acquire() as conn:
            return await process_received(
                conn=conn,
                now=runtime.clock(),
                limits=limits,
                batch_size=settings.process_batch_size,
            )

    async with runtime.pool.acquire() as conn:
        channel = f"{await _schema(conn)}_mails"
    async with listening(runtime.pool, channel, wakeup.set):
        await run_work_loop(
            name="mail processing",
            work=work,
            batch_size=settings.process_batch_size,
            max_idle_seconds=settings.process_idle_seconds,
            stop=stop,
            clock=runtime.clock,
            wakeup=wakeup,
        )


async def _schema(conn: asyncpg.Connection) -> str:
    schema: str = await conn.fetchval("SELECT current_schema()")
    return schema
