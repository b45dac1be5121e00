"""Mail into tickets: `mail.received` files a ticket through the same rules as the API, or
becomes a comment on the ticket it continues (a requester's reply reopening it as one by API
would). Once per Message-ID: the same mail delivered twice, by any path, has one effect."""

import logging
from datetime import datetime, timedelta
from functools import partial
from uuid import uuid4

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.event_table import EventCommand
from ticketflow_common.events import MailReceived
from ticketflow_intake.commands.create import create_ticket
from ticketflow_intake.commands.requesters import resolve_requester
from ticketflow_intake.commands.ticket_events import apply_change, emit_ticket_event
from ticketflow_intake.domain.access import SYSTEM
from ticketflow_intake.domain.conversation import NewComment
from ticketflow_intake.domain.lifecycle import StatusMove, reopen_move
from ticketflow_intake.domain.mail_intake import (
    EMPTY_MAIL,
    MailReply,
    mail_text,
    plan_reply,
    ticket_fields,
)
from ticketflow_intake.domain.requesters import normalise_email
from ticketflow_intake.domain.ticket_events import commented, status_changed
from ticketflow_intake.domain.tickets import NewTicket, Reopen, RequesterRef, Ticket
from ticketflow_intake.store.conversation import comment_of_message, insert_comment
from ticketflow_intake.store.tickets import add_comment_text, get_ticket, ticket_of_message
from ticketflow_intake.store.timeline import record

log = logging.getLogger(__name__)
REPLIED = "the requester replied by mail"


def take_mail(window: timedelta) -> EventCommand:
    """The event command for `mail.received`, with the reopen window of intake's settings."""

    async def command(
        *, conn: asyncpg.Connection, envelope: Envelope, event: MailReceived, now: datetime
    ) -> None:
        await receive_mail(conn=conn, envelope=envelope, mail=event, window=window, now=now)

    return command


async def receive_mail(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    mail: MailReceived,
    window: timedelta,
    now: datetime,
) -> None:
    """Inside the consumer's transaction. A Message-ID already made into a ticket or comment
    changes nothing; the lock makes two deliveries of one mail wait for each other."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 16))", mail.message_id)
    made = await ticket_of_message(
        conn=conn, message_id=mail.message_id
    ) or await comment_of_message(conn=conn, message_id=mail.message_id)
    if made is not None:
        log.info("mail already taken", extra={"message_id": mail.message_id, "made": str(made)})
        return
    email = normalise_email(mail.from_address)  # mail refuses what has no sender address
    ticket = None
    if mail.ticket_id is not None:
        ticket = await get_ticket(conn=conn, ticket_id=mail.ticket_id, for_update=True)
    if ticket is None:
        made_ticket = await _file(conn=conn, mail=mail, email=email, follow_up_of=None, now=now)
        await record(conn=conn, ticket_id=made_ticket.id, event=envelope)
        return
    sender = await resolve_requester(conn=conn, ref=RequesterRef(email=email), now=now)
    assert sender.id is not None
    plan = plan_reply(ticket, sender_id=sender.id, sender_email=email, now=now, window=window)
    if plan is None:
        follow_up = await _file(conn=conn, mail=mail, email=email, follow_up_of=ticket, now=now)
        await record(conn=conn, ticket_id=follow_up.id, event=envelope)
        return
    await _comment(
        conn=conn, ticket=ticket, mail=mail, author_id=sender.id, plan=plan, window=window, now=now
    )
    await record(conn=conn, ticket_id=ticket.id, event=envelope)


async def _file(
    *,
    conn: asyncpg.Connection,
    mail: MailReceived,
    email: str,
    follow_up_of: Ticket | None,
    now: datetime,
) -> Ticket:
    """A ticket by channel `email`, through the API's rules (category defaults, priority,
    approval), its `ticket.created` naming the mail's Message-ID."""
    new = NewTicket.model_validate(
        ticket_fields(mail, requester_email=email, follow_up_of=follow_up_of)
    )
    return await create_ticket(
        conn=conn, new=new, principal=SYSTEM, now=now, origin_message_id=mail.message_id
    )


async def _comment(
    *,
    conn: asyncpg.Connection,
    ticket: Ticket,
    mail: MailReceived,
    author_id: str,
    plan: MailReply,
    window: timedelta,
    now: datetime,
) -> None:
    """The mail as a comment by its sender (as a requester), then its status change."""
    body = NewComment(body=mail_text(mail, empty=EMPTY_MAIL), public=plan.public)
    comment = await insert_comment(
        conn=conn,
        comment_id=uuid4(),
        ticket_id=ticket.id,
        author_id=author_id,
        author_role="requester",
        new=body,
        now=now,
        channel="email",
        origin_message_id=mail.message_id,
    )
    await add_comment_text(
        conn=conn, ticket_id=ticket.id, body=body.body, public=plan.public, language=ticket.language
    )
    move: StatusMove | None = None
    if plan.reopen:
        move = reopen_move(ticket, Reopen(reason=REPLIED), now=now, window=window)
    elif plan.back_to_open:
        move = StatusMove("open", REPLIED)
    changes = move.changes(now) if move else {}
    event = partial(commented, comment=comment, first_response=False, now=now)
    changed = await apply_change(conn=conn, ticket=ticket, changes=changes, event=event, now=now)
    if move is not None:
        moved = status_changed(
            ticket,
            changed,
            reason=move.reason,
            actor_id=author_id,
            actor_role="requester",
            reopened=move.reopened,
            now=now,
        )
        await emit_ticket_event(conn=conn, data=moved, now=now)
