"""Shift starts and ends, as they fall due."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_routing.commands.shifts import apply_due_shift_change, next_shift_change_due
from ticketflow_routing.settings import RoutingSettings
from ticketflow_routing.workers.schedules import run_due_items


async def run_shift_changes(runtime: Runtime[RoutingSettings], stop: asyncio.Event) -> None:
    await run_due_items(
        runtime,
        stop,
        name="routing shift changes",
        step=apply_due_shift_change,
        next_due=next_shift_change_due,
    )
