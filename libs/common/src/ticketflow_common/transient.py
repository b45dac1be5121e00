"""Errors meaning "infrastructure briefly away" (or a lock conflict Postgres resolved by aborting
one transaction): retried without limit, never dead-lettered."""

import asyncio

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
