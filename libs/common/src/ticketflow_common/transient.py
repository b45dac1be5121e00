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
    KafkaError,
)
