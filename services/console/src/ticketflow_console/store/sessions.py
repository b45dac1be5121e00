"""SQL of the console's sessions."""

from datetime import datetime

import asyncpg

from ticketflow_console.domain.sessions import Session

COLUMNS = (
    "session_id, access_token, csrf_token, subject, display_name, role, agent_id, teams,"
    " language, time_zone, expires_at"
)


async def insert_session(*, conn: asyncpg.Connection, session: Session, now: datetime) -> None:
    await conn.execute(
        f"INSERT INTO sessions ({COLUMNS}, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        session.session_id,
        session.access_token,
        session.csrf_token,
        session.subject,
        session.display_name,
        session.role,
        session.agent_id,
        list(session.teams),
        session.language,
        session.time_zone,
        session.expires_at,
        now,
    )


async def live_session(
    *, conn: asyncpg.Connection, session_id: str, now: datetime
) -> Session | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM sessions WHERE session_id = $1 AND expires_at > $2",
        session_id,
        now,
    )
    if row is None:
        return None
    return Session(**{**dict(row), "teams": tuple(row["teams"])})


async def delete_session(*, conn: asyncpg.Connection, session_id: str) -> None:
    await conn.execute("DELETE FROM sessions WHERE session_id = $1", session_id)


async def set_preferences(
    *, conn: asyncpg.Connection, session_id: str, language: str, time_zone: str
) -> None:
    await conn.execute(
        "UPDATE sessions SET language = $2, time_zone = $3 WHERE session_id = $1",
        session_id,
        language,
        time_zone,
    )


async def delete_expired(*, conn: asyncpg.Connection, now: datetime, limit: int) -> int:
    status: str = await conn.execute(
        "DELETE FROM sessions WHERE session_id IN"
        " (SELECT session_id FROM sessions WHERE expires_at <= $1 LIMIT $2)",
        now,
        limit,
    )
    return int(status.split()[-1])
