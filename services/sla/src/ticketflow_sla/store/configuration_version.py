"""SQL for the version of policies, calendars and escalation policies (a trigger replaces it)."""

from uuid import UUID

import asyncpg

VERSION = "(SELECT version FROM configuration_version)"
"""The version as a scalar subquery, for statements that read it alongside what they do."""


async def configuration_version(*, conn: asyncpg.Connection) -> UUID:
    version: UUID = await conn.fetchval(f"SELECT {VERSION}")
    return version
