"""The block list: senders whose mail is refused before it makes a ticket."""

from datetime import datetime

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_mail.commands.audit import audit
from ticketflow_mail.domain.noise import is_blocked
from ticketflow_mail.domain.senders import BlockedSender, NewBlockedSender, block_candidates
from ticketflow_mail.store import blocked_senders as store

BLOCKED_SENDER = "mail.blocked_sender"


async def block_sender(
    *, conn: asyncpg.Connection, new: NewBlockedSender, actor: AuditActor, now: datetime
) -> BlockedSender:
    async with conn.transaction():
        existing = await store.get_blocked(conn=conn, sender=new.sender)
        row = await store.add_blocked(conn=conn, sender=new.sender, note=new.note, now=now)
        blocked = BlockedSender(**dict(row))
        await audit(
            conn=conn,
            actor=actor,
            entity=BLOCKED_SENDER,
            entity_id=blocked.sender,
            action="created" if existing is None else "updated",
            before=None if existing is None else BlockedSender(**dict(existing)),
            after=blocked,
            now=now,
        )
        return blocked


async def unblock_sender(
    *, conn: asyncpg.Connection, sender: str, actor: AuditActor, now: datetime
) -> bool:
    """False when `sender` was not blocked."""
    key = sender.strip().lower()
    async with conn.transaction():
        existing = await store.get_blocked(conn=conn, sender=key)
        if existing is None or not await store.remove_blocked(conn=conn, sender=key):
            return False
        await audit(
            conn=conn,
            actor=actor,
            entity=BLOCKED_SENDER,
            entity_id=key,
            action="deleted",
            before=BlockedSender(**dict(existing)),
            after=None,
            now=now,
        )
        return True


async def list_blocked(
    *, conn: asyncpg.Connection, cursor: str | None, limit: int
) -> Page[BlockedSender]:
    """By sender."""
    after = read_cursor(cursor, kind="mail.blocked_senders", parse=lambda p: str(p["sender"]))
    rows = await store.list_blocked(conn=conn, limit=limit + 1, after=after)
    return page_of(
        [BlockedSender(**dict(r)) for r in rows],
        limit=limit,
        cursor=lambda b: encode_cursor("mail.blocked_senders", {"sender": b.sender}),
    )


async def sender_is_blocked(*, conn: asyncpg.Connection, address: str) -> bool:
    """Whether an entry of the block list covers `address` (its own, its domain's, a parent's)."""
    entries = await store.blocked_entries(conn=conn, candidates=block_candidates(address))
    return is_blocked(address, entries)
