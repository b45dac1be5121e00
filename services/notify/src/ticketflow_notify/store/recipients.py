"""SQL for recipients' preferences: language and quiet hours."""

import asyncpg

from ticketflow_notify.domain.quiet_hours import QuietHours, Recipient, RecipientPreferences


async def upsert_recipient(
    *, conn: asyncpg.Connection, email: str, preferences: RecipientPreferences
) -> Recipient:
    await conn.execute(
        "INSERT INTO recipients (email, language, time_zone, quiet_start, quiet_end)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO UPDATE SET"
        " language = EXCLUDED.language, time_zone = EXCLUDED.time_zone,"
        " quiet_start = EXCLUDED.quiet_start, quiet_end = EXCLUDED.quiet_end, updated_at = now()",
        email,
        preferences.language,
        preferences.time_zone,
        preferences.quiet_start,
        preferences.quiet_end,
    )
    return Recipient(email=email, **preferences.model_dump())


async def get_recipient(*, conn: asyncpg.Connection, email: str) -> Recipient | None:
    row = await conn.fetchrow(
        "SELECT email, language, time_zone, quiet_start, quiet_end FROM recipients"
        " WHERE email = $1",
        email,
    )
    return None if row is None else Recipient.model_validate(dict(row))


async def delete_recipient(*, conn: asyncpg.Connection, email: str) -> bool:
    status = await conn.execute("DELETE FROM recipients WHERE email = $1", email)
    return bool(status == "DELETE 1")


async def recipients_of(
    *, conn: asyncpg.Connection, emails: list[str]
) -> dict[str, tuple[str | None, QuietHours | None]]:
    """Language and quiet hours per address, for the addresses that have preferences."""
    rows = await conn.fetch(
        "SELECT email, language, time_zone, quiet_start, quiet_end FROM recipients"
        " WHERE email = ANY($1::text[])",
        emails,
    )
    return {
        r["email"]: (
            r["language"],
            None
            if r["quiet_start"] is None
            else QuietHours(r["time_zone"], r["quiet_start"], r["quiet_end"]),
        )
        for r in rows
    }
