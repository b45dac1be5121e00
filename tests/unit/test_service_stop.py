"""A service stops when asked or when one of its loops ends on its own; a loop that returns
because the stop was asked for is not a crash (a loop with nothing left to do waits on it)."""

import asyncio

from ticketflow_common.service_main import _until_stop_or_crash


async def test_a_loop_returning_on_the_stop_is_not_a_crash() -> None:
    stop = asyncio.Event()

    async def waits_for_stop() -> None:
        await stop.wait()

    task = asyncio.create_task(waits_for_stop())
    asyncio.get_running_loop().call_soon(stop.set)
    assert await _until_stop_or_crash(stop, [task]) is False


async def test_a_loop_ending_on_its_own_is_a_crash() -> None:
    stop = asyncio.Event()

    async def returns_early() -> None:
        return None

    assert await _until_stop_or_crash(stop, [asyncio.create_task(returns_early())]) is True


async def test_a_loop_raising_at_the_stop_is_a_crash() -> None:
    stop = asyncio.Event()

    async def raises_on_stop() -> None:
        await stop.wait()
        raise RuntimeError("failed while stopping")

    task = asyncio.create_task(raises_on_stop())
    asyncio.get_running_loop().call_soon(stop.set)
    assert await _until_stop_or_crash(stop, [task]) is True
