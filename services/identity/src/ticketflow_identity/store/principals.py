"""SQL over identity's principals."""

import asyncpg


async def count_principals(*, conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM principals WHERE disabled_at IS NULL")
    return count
