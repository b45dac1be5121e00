"""Long pure computations inside a service give its event loop a turn every few milliseconds,
so the HTTP requests and consumers of the same process wait that long, not the whole run."""

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

T = TypeVar("T")

SLICE_SECONDS = 0.005
"""The longest stretch of computation between two turns of the event loop."""


async def in_time_slices(items: Iterable[T], *, seconds: float = SLICE_SECONDS) -> AsyncIterator[T]:
    """Each of `items`, handing the loop a turn whenever `seconds` passed since the last."""
    turn = time.perf_counter()
    for item in items:
        yield item
        if time.perf_counter() - turn >= seconds:
            await asyncio.sleep(0)
            turn = time.perf_counter()
