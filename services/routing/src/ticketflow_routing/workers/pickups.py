"""Pickup deadlines and hand-backs, as they fall due."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_routing.commands.pickups import hand_on_due_pickup, next_pickup_due
from ticketflow_routing.settings import RoutingSettings
from ticketflow_routing.workers.schedules import run_due_items


async def run_pickup_deadlines(runtime: Runtime[RoutingSettings], stop: asyncio.Event) -> None:
    await run_due_items(
        runtime,
        stop,
        name="routing pickup deadlines",
        step=hand_on_due_pickup,
        next_due=next_pickup_due,
    )
