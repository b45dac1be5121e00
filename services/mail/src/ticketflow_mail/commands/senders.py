"""The block list: senders whose mail is refused before it makes a ticket."""

from datetime import datetime

import asyncpg

from ticketflow_mail.domain.noise import is_blocked
from ticketflow_mail.domain.senders import BlockedSender, NewBlockedSender, block_candidates
from ticketflow_mail.store import blocked_senders as store


async def block_sender(
    *, conn: asyncpg.Connection, new: NewBlockedSender, now: datetime
) -> BlockedSender:
    row = await store.add_blocked(conn=conn, sender=new.sender, note=new.note, now=now)
    return BlockedSender(**dict(row))


async def unblock_sender(*, conn: asyncpg.Connection, sender: str) -> bool:
    """False when `sender` was not blocked."""
    return await store.remove_blocked(conn=conn, sender=sender.strip().lower())


async def list_blocked(*, conn: asyncpg.Connection, limit: int) -> list[BlockedSender]:
    return [BlockedSender(**dict(r)) for r in await store.list_blocked(conn=conn, limit=limit)]


async def sender_is_blocked(*, conn: asyncpg.Connection, address: str) -> bool:
    """Whether an entry of the block list covers `address` (its own, its domain's, a parent's)."""
    entries = await store.blocked_entries(conn=conn, candidates=block_candidates(address))
    return is_blocked(address, entries)
