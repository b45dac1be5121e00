"""Emits due approval reminders and escalations, on the shared work loop; any replica."""

import asyncio
from datetime import datetime

import asyncpg

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_intake.commands.approvals import run_due_rounds
from ticketflow_intake.settings import IntakeSettings


async def emit_due_rounds(*, conn: asyncpg.Connection, now: datetime) -> None:
    """Every due round, a batch a transaction, until none is left."""
    while await run_due_rounds(conn=conn, now=now) > 0:
        pass


async def run_approval_rounds(runtime: Runtime[IntakeSettings], stop: asyncio.Event) -> None:
    await run_every(
        name="approval rounds",
        seconds=runtime.settings.approval_rounds_poll_seconds,
        command=emit_due_rounds,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
