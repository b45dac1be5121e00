"""Waiting on whichever comes first: a stop request, a wake-up signal or a timeout."""

import asyncio


async def wait_for_any(*events: asyncio.Event, seconds: float) -> None:
    """Return when any event is set or `seconds` pass, whichever is first."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=max(0.0, seconds), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
