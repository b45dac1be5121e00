"""Agents' public replies, mailed to the requester in the ticket's thread: queued with the
comment's event (once per comment), then sent by any replica, retried, or given up on."""

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import MailSent, TicketCommented
from ticketflow_common.outbox import emit
from ticketflow_common.smtp import SmtpOutcome
from ticketflow_mail.commands.metrics import (
    COMMENT_TO_SENT_SECONDS,
    REPLIES_QUEUED,
    REPLY_ATTEMPTS,
    REPLY_SEND_SECONDS,
)
from ticketflow_mail.domain.replies import (
    Outgoing,
    ReplyPolicy,
    is_mailed,
    reply_message,
    retry_at,
)
from ticketflow_mail.domain.threading import reply_subject
from ticketflow_mail.store.replies import (
    ClaimedReply,
    add_reply,
    claim_due,
    mark_failed,
    mark_sent,
    next_due_at,
    thread_of,
    ticket_address,
)
from ticketflow_mail.store.tickets import add_thread_message

log = logging.getLogger(__name__)

Send = Callable[[EmailMessage], Awaitable[SmtpOutcome]]
"""Hands one message to the relay (adapters/smtp_sender.py)."""


async def on_ticket_commented(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: TicketCommented,
    now: datetime,
    message_id_domain: str,
) -> None:
    """Queue an agent's public reply; a comment that came by mail joins the thread."""
    del envelope
    if event.origin_message_id:
        await add_thread_message(
            conn=conn,
            message_id=event.origin_message_id,
            ticket_id=event.ticket_id,
            direction="in",
            now=now,
        )
    if not is_mailed(event):
        return
    ticket = await ticket_address(conn=conn, ticket_id=event.ticket_id)
    if ticket is None or not ticket.requester_email:
        log.info(
            "reply not mailed: no requester address", extra={"ticket_id": str(event.ticket_id)}
        )
        after_commit(conn, REPLIES_QUEUED.labels(how="no_address").inc)
        return
    reply_id = uuid.uuid4()
    queued = await add_reply(
        conn=conn,
        reply_id=reply_id,
        comment_id=event.comment_id,
        ticket_id=event.ticket_id,
        message_id=f"<{reply_id}@{message_id_domain}>",
        to_address=ticket.requester_email,
        subject=reply_subject(ticket.subject, ticket.reference),
        body=event.body or "",
        author_id=event.author_id,
        now=now,
    )
    after_commit(conn, REPLIES_QUEUED.labels(how="queued" if queued else "duplicate").inc)


async def send_due_replies(
    *, pool: asyncpg.Pool, clock: Clock, send: Send, policy: ReplyPolicy, limit: int
) -> int:
    """Lease up to `limit` due replies, send each and record its outcome; how many were claimed.
    No connection is held while the relay answers."""
    now = clock()
    async with pool.acquire() as conn, conn.transaction():
        claimed = await claim_due(
            conn=conn,
            now=now,
            lease_until=now + timedelta(seconds=policy.lease_seconds),
            limit=limit,
        )
        outgoing = [
            (
                reply,
                await thread_of(conn=conn, ticket_id=reply.ticket_id, excluding=reply.message_id),
            )
            for reply in claimed
        ]
    for reply, thread in outgoing:
        await _send_one(
            pool=pool, clock=clock, send=send, policy=policy, reply=reply, thread=thread
        )
    return len(claimed)


async def _send_one(
    *,
    pool: asyncpg.Pool,
    clock: Clock,
    send: Send,
    policy: ReplyPolicy,
    reply: ClaimedReply,
    thread: list[str],
) -> None:
    message = reply_message(
        Outgoing(
            message_id=reply.message_id,
            ticket_id=str(reply.ticket_id),
            sender_name=policy.from_name,
            sender_address=policy.from_address,
            to=reply.to_address,
            subject=reply.subject,
            body=reply.body,
            thread=thread,
        ),
        now=clock(),
        max_references=policy.max_references,
    )
    started = time.perf_counter()
    outcome = await send(message)
    REPLY_SEND_SECONDS.observe(time.perf_counter() - started)
    now = clock()
    async with pool.acquire() as conn, conn.transaction():
        if outcome.succeeded:
            await record_sent(conn=conn, reply=reply, now=now)
            return
        await _record_failure(conn=conn, reply=reply, outcome=outcome, policy=policy, now=now)


async def record_sent(*, conn: asyncpg.Connection, reply: ClaimedReply, now: datetime) -> None:
    """Sent: the thread knows its Message-ID and `mail.sent` is emitted, in one transaction."""
    if not await mark_sent(conn=conn, reply_id=reply.reply_id, now=now):
        return
    await add_thread_message(
        conn=conn, message_id=reply.message_id, ticket_id=reply.ticket_id, direction="out", now=now
    )
    await emit(
        conn,
        MailSent(
            mail_id=reply.reply_id,
            ticket_id=reply.ticket_id,
            comment_id=reply.comment_id,
            message_id=reply.message_id,
            to=reply.to_address,
            sent_at=now,
        ),
        subject=str(reply.ticket_id),
        now=now,
    )
    queued_for = max(0.0, (now - reply.created_at).total_seconds())
    after_commit(conn, REPLY_ATTEMPTS.labels(outcome="sent").inc)
    after_commit(conn, lambda: COMMENT_TO_SENT_SECONDS.observe(queued_for))


async def _record_failure(
    *,
    conn: asyncpg.Connection,
    reply: ClaimedReply,
    outcome: SmtpOutcome,
    policy: ReplyPolicy,
    now: datetime,
) -> None:
    error = outcome.error or ""
    again = retry_at(
        attempts_made=reply.attempts + 1,
        schedule=policy.retry_schedule,
        now=now,
        code=outcome.code,
    )
    await mark_failed(conn=conn, reply_id=reply.reply_id, error=error, retry_at=again)
    recorded = "retry_scheduled" if again is not None else "dead"
    after_commit(conn, REPLY_ATTEMPTS.labels(outcome=recorded).inc)
    level = logging.WARNING if again is not None else logging.ERROR
    log.log(
        level,
        "reply not sent",
        extra={"reply_id": str(reply.reply_id), "error": error, "outcome": recorded},
    )


async def next_reply_due(*, pool: asyncpg.Pool) -> datetime | None:
    """When the next pending reply is due (or its lease ends)."""
    async with pool.acquire() as conn:
        return await next_due_at(conn=conn)
