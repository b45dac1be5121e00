"""Keep the tickets mail replies to: each new ticket's requester and subject, and the mail it
was made from as the first message of its thread."""

from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events import TicketCreated
from ticketflow_mail.store.attachments import link_mail_to_ticket
from ticketflow_mail.store.tickets import add_thread_message, upsert_ticket


async def on_ticket_created(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated, now: datetime
) -> None:
    del envelope
    await upsert_ticket(
        conn=conn,
        ticket_id=event.ticket_id,
        requester_id=event.requester_id,
        requester_email=event.requester_email,
        subject=event.subject,
        language=event.language,
        created_at=event.created_at,
    )
    if event.origin_message_id:
        await add_thread_message(
            conn=conn,
            message_id=event.origin_message_id,
            ticket_id=event.ticket_id,
            direction="in",
            now=now,
        )
        await link_mail_to_ticket(
            conn=conn, message_id=event.origin_message_id, ticket_id=event.ticket_id
        )
