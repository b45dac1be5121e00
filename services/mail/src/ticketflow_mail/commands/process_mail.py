"""Make stored mails into `mail.received`, or refuse them (`mail.refused`): each mail's outcome,
its attachments, its thread and its event commit together with the claim, so a crash
re-processes it from the start and a redelivery has no second effect."""

import asyncio
import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events.mail import MailAttachment, MailReceived, MailRefused, RefusalReason
from ticketflow_common.outbox import emit
from ticketflow_common.rate_limit import RatePolicy
from ticketflow_common.rate_limit_store import take
from ticketflow_common.transient import TRANSIENT_ERRORS
from ticketflow_mail.commands.inbound_metrics import (
    MAIL_ACCEPTED,
    MAIL_PROCESSING_SECONDS,
    MAIL_REFUSED,
)
from ticketflow_mail.commands.senders import sender_is_blocked
from ticketflow_mail.domain.attachment_policy import check_attachment
from ticketflow_mail.domain.language import guess_language
from ticketflow_mail.domain.noise import classify_noise
from ticketflow_mail.domain.parsed import Malformed, ParsedMail
from ticketflow_mail.domain.parsing import parse_mail
from ticketflow_mail.domain.threading import thread_keys, ticket_reference
from ticketflow_mail.settings import MailSettings
from ticketflow_mail.store.mails import claim_received, insert_attachment, record_outcome
from ticketflow_mail.store.tickets import (
    add_thread_message,
    ticket_of_messages,
    ticket_of_reference,
)

log = logging.getLogger(__name__)
MAX_DETAIL_CHARS = 2000


@dataclass(frozen=True)
class Limits:
    """What processing refuses or skips: sizes, attachment counts, the per-sender rate."""

    max_message_bytes: int
    max_attachment_bytes: int
    max_attachments: int
    sender_rate: RatePolicy

    @classmethod
    def from_settings(cls, settings: MailSettings) -> "Limits":
        return cls(
            max_message_bytes=settings.max_message_bytes,
            max_attachment_bytes=settings.max_attachment_bytes,
            max_attachments=settings.max_attachments,
            sender_rate=RatePolicy(
                name="mail-sender",
                quota=settings.sender_rate_limit,
                window_seconds=settings.sender_rate_window_seconds,
            ),
        )


@dataclass(frozen=True)
class Outcome:
    status: Literal["accepted", "refused", "quarantined"]
    reason: str | None = None


async def process_received(
    *, conn: asyncpg.Connection, now: datetime, limits: Limits, batch_size: int
) -> int:
    """Process up to `batch_size` waiting mails (any number of replicas share them: claimed
    with SKIP LOCKED); returns how many were claimed. A mail whose processing raises is
    quarantined with the error, never retried forever nor crashing the worker."""
    async with conn.transaction():
        rows = await claim_received(conn=conn, limit=batch_size)
        for row in rows:
            try:
                async with conn.transaction():
                    outcome = await _process_one(conn=conn, row=row, limits=limits, now=now)
            except TRANSIENT_ERRORS:
                raise
            except Exception as exc:
                log.exception("mail processing failed", extra={"mail_id": str(row["mail_id"])})
                outcome = await _refuse(
                    conn=conn,
                    row=row,
                    parsed=None,
                    reason="malformed",
                    detail=f"processing failed: {type(exc).__name__}",
                    quarantined=True,
                    now=now,
                )
            _count(conn, outcome, seconds=(now - row["received_at"]).total_seconds())
    return len(rows)


def _count(conn: asyncpg.Connection, outcome: Outcome, *, seconds: float) -> None:
    def counted() -> None:
        if outcome.status == "accepted":
            MAIL_ACCEPTED.labels(str(outcome.reason == "threaded").lower()).inc()
        else:
            MAIL_REFUSED.labels(outcome.reason or "unknown").inc()
        MAIL_PROCESSING_SECONDS.observe(max(0.0, seconds))

    after_commit(conn, counted)


async def _process_one(
    *, conn: asyncpg.Connection, row: asyncpg.Record, limits: Limits, now: datetime
) -> Outcome:
    raw = bytes(row["raw"])
    parsed = await asyncio.to_thread(parse_mail, raw, max_bytes=limits.max_message_bytes)
    if isinstance(parsed, Malformed):
        return await _refuse(
            conn=conn,
            row=row,
            parsed=None,
            reason=parsed.refusal,
            detail=parsed.reason,
            quarantined=True,
            now=now,
        )
    refusal = await _refusal(conn=conn, row=row, parsed=parsed, limits=limits, now=now)
    if refusal is not None:
        reason, detail = refusal
        return await _refuse(
            conn=conn,
            row=row,
            parsed=parsed,
            reason=reason,
            detail=detail,
            quarantined=False,
            now=now,
        )
    return await _accept(conn=conn, row=row, parsed=parsed, limits=limits, now=now)


async def _refusal(
    *,
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    parsed: ParsedMail,
    limits: Limits,
    now: datetime,
) -> tuple[RefusalReason, str] | None:
    """Why the mail makes no ticket: noise, a blocked sender, or one over the rate; None: it
    does. The rate is taken last, so refused noise spends none of a sender's allowance."""
    noise = classify_noise(parsed, envelope_sender=row["envelope_from"])
    if noise is not None:
        return noise, f"{noise.replace('_', ' ')} mail from {parsed.from_address}"
    if await sender_is_blocked(conn=conn, address=parsed.from_address):
        return "blocked", f"{parsed.from_address} is on the block list"
    taken = await take(conn=conn, policy=limits.sender_rate, subject=parsed.from_address, now=now)
    # The take turns synchronous commit off for its transaction (a lost take is harmless);
    # this transaction also records the mail's outcome and event, which must be durable.
    await conn.execute("SET LOCAL synchronous_commit TO on")
    if taken.refusal is not None:
        policy = limits.sender_rate
        return "rate_limited", (
            f"{parsed.from_address} sent more than {policy.quota} mails"
            f" in {policy.window_seconds:g} s"
        )
    return None


async def _refuse(
    *,
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    parsed: ParsedMail | None,
    reason: RefusalReason,
    detail: str,
    quarantined: bool,
    now: datetime,
) -> Outcome:
    status: Literal["refused", "quarantined"] = "quarantined" if quarantined else "refused"
    from_address = parsed.from_address if parsed is not None else None
    detail = detail[:MAX_DETAIL_CHARS]
    await record_outcome(
        conn=conn,
        mail_id=row["mail_id"],
        status=status,
        reason=reason,
        detail=detail,
        from_address=from_address,
        subject=parsed.subject if parsed is not None else None,
        ticket_id=None,
        now=now,
    )
    event = MailRefused(
        mail_id=row["mail_id"],
        message_id=row["message_id"],
        from_address=from_address,
        reason=reason,
        detail=detail,
        quarantined=quarantined,
        refused_at=now,
    )
    await emit(conn, event, subject=str(row["mail_id"]), now=now)
    return Outcome(status=status, reason=reason)


async def _accept(
    *,
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    parsed: ParsedMail,
    limits: Limits,
    now: datetime,
) -> Outcome:
    mail_id: uuid.UUID = row["mail_id"]
    ticket_id = await resolve_ticket(conn=conn, parsed=parsed)
    attachments, notes = await _store_attachments(
        conn=conn, mail_id=mail_id, ticket_id=ticket_id, parsed=parsed, limits=limits, now=now
    )
    if ticket_id is not None:
        await add_thread_message(
            conn=conn, message_id=parsed.message_id, ticket_id=ticket_id, direction="in", now=now
        )
    await record_outcome(
        conn=conn,
        mail_id=mail_id,
        status="accepted",
        reason=None,
        detail="; ".join(notes)[:MAX_DETAIL_CHARS] or None,
        from_address=parsed.from_address,
        subject=parsed.subject,
        ticket_id=ticket_id,
        now=now,
    )
    event = MailReceived(
        mail_id=mail_id,
        message_id=parsed.message_id,
        from_address=parsed.from_address,
        from_name=parsed.from_name,
        subject=parsed.subject,
        text=parsed.new_text,
        language=guess_language(f"{parsed.subject}\n{parsed.new_text}"),
        ticket_id=ticket_id,
        attachments=attachments,
        via=row["via"],
        received_at=row["received_at"],
    )
    key = str(ticket_id) if ticket_id is not None else str(mail_id)
    await emit(conn, event, subject=key, now=now)
    return Outcome(status="accepted", reason="threaded" if ticket_id is not None else "new")


async def resolve_ticket(*, conn: asyncpg.Connection, parsed: ParsedMail) -> uuid.UUID | None:
    """The ticket the mail continues: a known Message-ID in In-Reply-To or References first,
    else a ticket reference ("TF-1a2b3c4d") in its subject; None: a new request."""
    found = await ticket_of_messages(conn=conn, message_ids=thread_keys(parsed))
    if found is not None:
        return found
    reference = ticket_reference(parsed.subject)
    if reference is None:
        return None
    return await ticket_of_reference(conn=conn, reference=reference)


async def _store_attachments(
    *,
    conn: asyncpg.Connection,
    mail_id: uuid.UUID,
    ticket_id: uuid.UUID | None,
    parsed: ParsedMail,
    limits: Limits,
    now: datetime,
) -> tuple[list[MailAttachment], list[str]]:
    """Store the files the rules allow; the others are skipped, each with a note saying why."""
    stored: list[MailAttachment] = []
    notes: list[str] = []
    for attachment in parsed.attachments:
        verdict = check_attachment(attachment, max_bytes=limits.max_attachment_bytes)
        if verdict.refusal is None and len(stored) >= limits.max_attachments:
            notes.append(f"{attachment.filename}: over {limits.max_attachments} attachments")
            continue
        if verdict.refusal is not None:
            notes.append(f"{attachment.filename}: {verdict.refusal}")
            continue
        attachment_id = uuid.uuid4()
        await insert_attachment(
            conn=conn,
            attachment_id=attachment_id,
            mail_id=mail_id,
            ticket_id=ticket_id,
            filename=attachment.filename,
            content_type=verdict.content_type,
            sha256=hashlib.sha256(attachment.content).hexdigest(),
            content=attachment.content,
            now=now,
        )
        stored.append(
            MailAttachment(
                attachment_id=attachment_id,
                filename=attachment.filename,
                content_type=verdict.content_type,
                size=len(attachment.content),
            )
        )
    return stored, notes
