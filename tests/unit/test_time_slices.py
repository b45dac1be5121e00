"""A long computation over items hands the event loop a turn between slices."""

import asyncio
import time

from ticketflow_common.time_slices import in_time_slices


def busy(seconds: float) -> None:
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass


async def test_other_tasks_run_while_the_items_are_worked_through() -> None:
    turns: list[int] = []

    async def other_task() -> None:
        while True:
            turns.append(len(turns))
            await asyncio.sleep(0)

    other = asyncio.create_task(other_task())
    await asyncio.sleep(0)
    started = len(turns)
    done = []
    async for n in in_time_slices(range(10), seconds=0.001):
        busy(0.002)
        done.append(n)
    other.cancel()
    assert done == list(range(10))
    assert len(turns) - started >= 9  # a turn after every item, each longer than a slice


async def test_a_short_run_keeps_the_loop() -> None:
    turns: list[int] = []

    async def other_task() -> None:
        turns.append(1)

    other = asyncio.create_task(other_task())
    done = [n async for n in in_time_slices(range(1000), seconds=60)]
    assert done == list(range(1000))
    assert turns == []  # never yielded: the task has not run
    await other
