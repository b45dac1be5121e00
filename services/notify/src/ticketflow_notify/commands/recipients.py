"""Recipients' preferences: language and quiet hours, by address (case-insensitive)."""

import asyncpg

from ticketflow_notify.domain.quiet_hours import Recipient, RecipientPreferences
from ticketflow_notify.store import recipients


async def set_preferences(
    *, conn: asyncpg.Connection, email: str, preferences: RecipientPreferences
) -> Recipient:
    return await recipients.upsert_recipient(
        conn=conn, email=email.lower(), preferences=preferences
    )


async def find_recipient(*, conn: asyncpg.Connection, email: str) -> Recipient | None:
    return await recipients.get_recipient(conn=conn, email=email.lower())


async def forget_recipient(*, conn: asyncpg.Connection, email: str) -> bool:
    """False when nothing was kept for the address."""
    return await recipients.delete_recipient(conn=conn, email=email.lower())
