"""Background work: expired sessions pruned; every live stream ended when the service stops."""

import asyncio
import logging

from ticketflow_common.runtime import Runtime
from ticketflow_common.wakeups import wait_for_any
from ticketflow_console.commands.live import live_feed
from ticketflow_console.commands.sessions import prune_expired_sessions
from ticketflow_console.settings import ConsoleSettings

log = logging.getLogger(__name__)
PRUNE_INTERVAL_SECONDS = 60.0


async def run_session_pruning(runtime: Runtime[ConsoleSettings], stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            async with runtime.pool.acquire() as conn:
                await prune_expired_sessions(conn=conn, now=runtime.clock())
        except Exception:
            log.exception("pruning expired sessions failed; trying again later")
        await wait_for_any(stop, seconds=PRUNE_INTERVAL_SECONDS)


async def run_live_streams(runtime: Runtime[ConsoleSettings], stop: asyncio.Event) -> None:
    """Until the service stops, then end the streams so HTTP can shut down gracefully."""
    await stop.wait()
    live_feed(runtime, buffer=runtime.settings.live_buffer).close()
