"""A transaction Postgres aborted to break a deadlock runs again; other errors do not."""

import asyncpg
import pytest

from ticketflow_common.transient import retry_lock_conflicts


async def test_a_deadlock_victim_runs_again_and_its_result_is_returned() -> None:
    calls: list[int] = []

    async def attempt() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise asyncpg.exceptions.DeadlockDetectedError("deadlock detected")
        return "done"

    assert await retry_lock_conflicts(attempt, attempts=3) == "done"
    assert len(calls) == 3


async def test_it_gives_up_after_the_attempts_and_raises_the_conflict() -> None:
    calls: list[int] = []

    async def attempt() -> str:
        calls.append(1)
        raise asyncpg.exceptions.SerializationError("could not serialize access")

    with pytest.raises(asyncpg.exceptions.SerializationError):
        await retry_lock_conflicts(attempt, attempts=2)
    assert len(calls) == 2


async def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    async def attempt() -> str:
        calls.append(1)
        raise asyncpg.exceptions.UniqueViolationError("duplicate key")

    with pytest.raises(asyncpg.exceptions.UniqueViolationError):
        await retry_lock_conflicts(attempt)
    assert len(calls) == 1
