"""Waiting for an outcome with a deadline, instead of sleeping a fixed time."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]], *, what: str, within: float = 20.0, interval: float = 0.1
) -> T:
    """Call `probe` until it returns something truthy; fail naming `what` at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = await probe()
        if result:
            return result
        if loop.time() >= deadline:
            raise AssertionError(f"gave up after {within} s waiting for {what}; last: {result!r}")
        await asyncio.sleep(interval)
