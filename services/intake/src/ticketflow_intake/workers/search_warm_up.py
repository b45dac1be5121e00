"""Loads the text analysis' Chinese dictionary (about a second) in a thread at startup, so
the first Chinese ticket or search does not stall the event loop for it."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.text_analysis import warm_up
from ticketflow_intake.settings import IntakeSettings


async def run_search_warm_up(runtime: Runtime[IntakeSettings], stop: asyncio.Event) -> None:
    await asyncio.to_thread(warm_up)
    await stop.wait()
