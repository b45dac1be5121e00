"""Every pooled statement, lock wait and open transaction is bounded; migrations are not."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.polling import eventually
from ticketflow_common.db import DbTimeouts, create_pool
from ticketflow_common.migrations import Migration, apply_migrations
from ticketflow_common.transient import TRANSIENT_ERRORS

pytestmark = pytest.mark.integration

TIGHT = DbTimeouts(statement_seconds=0.5, lock_seconds=0.2, command_seconds=5)


@pytest.fixture
async def tight_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    schema = f"to_{uuid.uuid4().hex[:10]}"
    pool = await create_pool(dsn=database_url, schema=schema, max_size=3, timeouts=TIGHT)
    async with pool.acquire() as conn:
        await conn.execute(f'CREATE SCHEMA "{schema}"; CREATE TABLE "{schema}".things (id int)')
    yield pool
    async with pool.acquire() as conn:
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await pool.close()


async def test_a_statement_longer_than_the_statement_timeout_is_cancelled(
    tight_pool: asyncpg.Pool,
) -> None:
    async with tight_pool.acquire() as conn:
        with pytest.raises(asyncpg.QueryCanceledError, match="statement timeout") as raised:
            await conn.execute("SELECT pg_sleep(3)")
        assert isinstance(raised.value, TRANSIENT_ERRORS), "503 over HTTP, retried by workers"
        assert await conn.fetchval("SELECT 1") == 1  # the connection stays usable


async def test_a_lock_wait_longer_than_the_lock_timeout_fails(tight_pool: asyncpg.Pool) -> None:
    async with tight_pool.acquire() as holder, holder.transaction():
        await holder.execute("LOCK TABLE things IN ACCESS EXCLUSIVE MODE")
        async with tight_pool.acquire() as waiter:
            with pytest.raises(asyncpg.LockNotAvailableError, match="lock timeout") as raised:
                await waiter.execute("SELECT count(*) FROM things")
    assert isinstance(raised.value, TRANSIENT_ERRORS), "503 over HTTP, retried by workers"


async def test_a_transaction_left_idle_is_ended_by_the_server(database_url: str) -> None:
    forgetful = DbTimeouts(idle_in_transaction_seconds=0.3)
    pool = await create_pool(dsn=database_url, schema="public", max_size=2, timeouts=forgetful)
    try:
        async with pool.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            pid = await conn.fetchval("SELECT pg_backend_pid()")

            async def ended() -> bool:
                async with pool.acquire() as other:
                    alive: bool = await other.fetchval(
                        "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1)", pid
                    )
                return not alive

            await eventually(ended, what="the idle transaction's session to be ended", within=10)
            with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
                await conn.fetchval("SELECT 1")
    finally:
        pool.terminate()


async def test_asyncpg_gives_up_after_the_command_timeout(database_url: str) -> None:
    client_only = DbTimeouts(statement_seconds=0, command_seconds=0.3)
    pool = await create_pool(dsn=database_url, schema="public", max_size=1, timeouts=client_only)
    try:
        async with pool.acquire() as conn:
            with pytest.raises(TimeoutError):
                await conn.execute("SELECT pg_sleep(3)")
    finally:
        pool.terminate()


async def test_migrations_may_run_long_and_wait_for_another_replicas_lock(
    tight_pool: asyncpg.Pool,
) -> None:
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    slow = Migration(name="itest/0001_slow.sql", sql="SELECT pg_sleep(0.6); CREATE TABLE t (x int)")
    async with tight_pool.acquire() as conn, tight_pool.acquire() as other_replica:
        async with other_replica.transaction():
            await other_replica.execute(
                "SELECT pg_advisory_xact_lock(hashtext($1))", f"migrations:{schema}"
            )
            migrating = asyncio.create_task(
                apply_migrations(conn=conn, schema=schema, migrations=[slow])
            )

            async def waited_past_the_lock_timeout() -> bool:
                waiting: bool = await other_replica.fetchval(
                    "SELECT EXISTS (SELECT FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                    " WHERE l.locktype = 'advisory' AND NOT l.granted"
                    " AND a.pid <> pg_backend_pid()"
                    " AND clock_timestamp() - a.query_start > interval '0.6 seconds')"
                )
                return waiting or migrating.done()

            await eventually(waited_past_the_lock_timeout, what="the migration to wait")
            assert not migrating.done(), migrating
        # The other replica committed: the lock is free, and the slow file runs past the timeout.
        assert await migrating == ["itest/0001_slow.sql"]
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
