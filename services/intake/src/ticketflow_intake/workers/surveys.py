"""Sends each unanswered survey's one reminder and expires surveys, on the shared work loop;
replicas share the work through SKIP LOCKED claims."""

import asyncio
from datetime import datetime

import asyncpg

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import on_pool, run_work_loop
from ticketflow_intake.commands.surveys import BATCH, remind_and_expire
from ticketflow_intake.settings import IntakeSettings
from ticketflow_intake.store.surveys import next_survey_due


async def _batch(conn: asyncpg.Connection, now: datetime) -> int:
    return await remind_and_expire(conn=conn, now=now, limit=BATCH)


async def run_survey_worker(runtime: Runtime[IntakeSettings], stop: asyncio.Event) -> None:
    async def next_due() -> datetime | None:
        async with runtime.pool.acquire() as conn:
            return await next_survey_due(conn=conn)

    await run_work_loop(
        name="survey reminders",
        work=on_pool(runtime.pool, runtime.clock, _batch),
        batch_size=BATCH,
        max_idle_seconds=runtime.settings.survey_poll_seconds,
        stop=stop,
        clock=runtime.clock,
        next_due=next_due,
    )
