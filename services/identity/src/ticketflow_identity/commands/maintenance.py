"""Identity's periodic upkeep: revoke keys past their expiry or rotation overlap, and rotate the
signing key once it has signed for `signing_key_days` (the first one made if none signs)."""

from datetime import datetime

import asyncpg

from ticketflow_identity.commands.api_keys import END_BATCH, end_keys
from ticketflow_identity.commands.signing_keys import rotate_signing_key, signing_key
from ticketflow_identity.settings import IdentitySettings


async def maintain(*, conn: asyncpg.Connection, settings: IdentitySettings, now: datetime) -> int:
    """How many keys were ended (a full batch: there may be more)."""
    await signing_key(conn=conn, settings=settings, now=now)
    await rotate_signing_key(conn=conn, settings=settings, now=now, only_if_due=True)
    return await end_keys(conn=conn, now=now)


__all__ = ["END_BATCH", "maintain"]
