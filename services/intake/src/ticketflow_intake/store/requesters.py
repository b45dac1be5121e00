"""SQL for requesters by address: one normalised email, one requester id.

A link never changes once made (no statement updates or deletes one), so links found are kept
per process, the most recently used `MAX_CACHED_LINKS`, keyed by the database they came from.
"""

from collections import OrderedDict
from datetime import datetime

import asyncpg

MAX_CACHED_LINKS = 50_000
_links: OrderedDict[tuple[str, str], str] = OrderedDict()


def _database_of(conn: asyncpg.Connection) -> str:
    """Which database (and schema path) `conn` reads: a link holds only in the one it is in."""
    params = getattr(conn, "_params", None)
    settings = getattr(params, "server_settings", None) or {}
    return (
        f"{getattr(conn, '_addr', '')}/{getattr(params, 'database', '')}/{sorted(settings.items())}"
    )


def _remember(database: str, email: str, requester_id: str) -> None:
    _links[(database, email)] = requester_id
    if len(_links) > MAX_CACHED_LINKS:
        _links.popitem(last=False)


async def linked_id(*, conn: asyncpg.Connection, email: str) -> str | None:
    """The requester id `email` (already normalised) is linked to, if any."""
    database = _database_of(conn)
    cached = _links.get((database, email))
    if cached is not None:
        _links.move_to_end((database, email))
        return cached
    found: str | None = await conn.fetchval(
        "SELECT requester_id FROM requesters WHERE email = $1", email
    )
    if found is not None:
        _remember(database, email, found)
    return found


async def link(
    *, conn: asyncpg.Connection, email: str, requester_id: str, name: str | None, now: datetime
) -> str:
    """Link `email` to `requester_id` unless it is linked already; the id it is linked to now.
    Two first links racing: the later waits for the earlier's commit and takes its id."""
    await conn.execute(
        "INSERT INTO requesters (email, requester_id, name, created_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (email) DO NOTHING",
        email,
        requester_id,
        name,
        now,
    )
    found: str = await conn.fetchval("SELECT requester_id FROM requesters WHERE email = $1", email)
    return found


# `link` runs inside the filing transaction, which may still roll back: its link is cached by
# the next `linked_id` that reads it committed, not here.
