"""Errors meaning "infrastructure briefly away": retried without limit, never dead-lettered."""

import asyncio

import asyncpg
from aiokafka.errors import KafkaError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
    KafkaError,
)
