"""Errors meaning "infrastructure briefly away" (or a lock conflict Postgres resolved by aborting
one transaction): retried without limit, never dead-lettered."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from aiokafka.errors import KafkaError

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    # A connection the server dropped mid-operation (seen when Postgres restarts under load).
    asyncpg.exceptions.InternalClientError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.DeadlockDetectedError,
    # The pool's lock_timeout and statement_timeout (ticketflow_common.db.DbTimeouts): a busy or
    # stuck database, not a bad message or request; 503 over HTTP, retried by workers.
    asyncpg.exceptions.LockNotAvailableError,
    asyncpg.exceptions.QueryCanceledError,
    KafkaError,
)

LOCK_CONFLICTS: tuple[type[Exception], ...] = (
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.SerializationError,
)


T = TypeVar("T")


async def retry_lock_conflicts(attempt: Callable[[], Awaitable[T]], *, attempts: int = 3) -> T:
    """Run a whole transaction again when Postgres aborted it to break a deadlock: the request
    changed nothing, and two commands taking one agent and one ticket in opposite orders is a
    race, not a reason to answer 503."""
    for remaining in range(attempts - 1, -1, -1):
        try:
            return await attempt()
        except LOCK_CONFLICTS:
            if remaining == 0:
                raise
            await asyncio.sleep(random.uniform(0.005, 0.05))  # noqa: S311 - jitter, not a secret
    raise AssertionError("unreachable")
