"""What mail does with each ticket event it consumes: it keeps the tickets' threads and mails
agents' public replies to the requester."""

from functools import partial

from ticketflow_common.event_table import EventTable
from ticketflow_common.events import TicketCommented, TicketCreated
from ticketflow_common.runtime import Runtime
from ticketflow_mail.commands.replies import on_ticket_commented
from ticketflow_mail.commands.ticket_threads import on_ticket_created
from ticketflow_mail.settings import MailSettings


def event_table(runtime: Runtime[MailSettings]) -> EventTable:
    return {
        TicketCreated: on_ticket_created,
        TicketCommented: partial(
            on_ticket_commented, message_id_domain=runtime.settings.message_id_domain
        ),
    }
