"""Counters move only for changes that committed: a rolled-back transaction counts nothing."""

import contextlib
from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from tests.integration.conftest import Schema
from ticketflow_common.commit_hooks import after_commit

pytestmark = pytest.mark.integration


class RolledBack(Exception):
    """Raised inside a transaction to roll it back."""


async def rolled_back(conn: asyncpg.Connection, body: Callable[[], Awaitable[None]]) -> None:
    """Run `body` in a transaction (a savepoint inside another), then roll it back."""
    with contextlib.suppress(RolledBack):
        async with conn.transaction():
            await body()
            raise RolledBack


def counter() -> tuple[list[str], Callable[[], None]]:
    """A hook that records each run, so a test can see whether and when it ran."""
    runs: list[str] = []
    return runs, lambda: runs.append("ran")


async def test_a_hook_runs_once_the_transaction_commits_and_not_before(schema: Schema) -> None:
    runs, hook = counter()
    async with schema.pool.acquire() as conn:
        async with conn.transaction():
            after_commit(conn, hook)
            await conn.execute("INSERT INTO effects VALUES (gen_random_uuid(), gen_random_uuid())")
            assert runs == []
        assert runs == ["ran"]


async def test_a_rolled_back_transaction_drops_its_hooks(schema: Schema) -> None:
    runs, hook = counter()

    async def count() -> None:
        after_commit(conn, hook)

    async with schema.pool.acquire() as conn:
        await rolled_back(conn, count)
        async with conn.transaction():
            pass
    assert runs == []


async def test_a_savepoint_hands_its_hooks_to_the_outer_transaction(schema: Schema) -> None:
    kept_runs, kept = counter()
    dropped_runs, dropped = counter()

    async def count_dropped() -> None:
        after_commit(conn, dropped)

    async def count_in_a_savepoint() -> None:
        async with conn.transaction():
            after_commit(conn, dropped)

    async with schema.pool.acquire() as conn:
        async with conn.transaction():
            async with conn.transaction():
                after_commit(conn, kept)
            assert kept_runs == []  # released savepoint: the outer transaction may still fail
            await rolled_back(conn, count_dropped)
        assert (kept_runs, dropped_runs) == (["ran"], [])

        await rolled_back(conn, count_in_a_savepoint)
    assert dropped_runs == []


async def test_a_commit_that_fails_drops_its_hooks(schema: Schema) -> None:
    runs, hook = counter()

    async def insert_twice_checked_at_commit() -> None:
        async with conn.transaction():
            after_commit(conn, hook)
            await conn.execute("INSERT INTO once VALUES (1), (1)")

    async with schema.pool.acquire() as conn:
        await conn.execute("CREATE TABLE once (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED)")
        with pytest.raises(asyncpg.UniqueViolationError):
            await insert_twice_checked_at_commit()
    assert runs == []


async def test_outside_a_transaction_a_hook_runs_at_once(schema: Schema) -> None:
    runs, hook = counter()
    async with schema.pool.acquire() as conn:
        after_commit(conn, hook)
    assert runs == ["ran"]


async def test_a_transaction_the_hooks_cannot_see_is_refused(database_url: str) -> None:
    """A plain asyncpg connection has no hooks: counting there would count rollbacks too."""
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            with pytest.raises(RuntimeError, match="after_commit"):
                after_commit(conn, lambda: None)
    finally:
        await conn.close()
