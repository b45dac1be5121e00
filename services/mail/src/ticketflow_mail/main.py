"""Wires mail: the SMTP gateway and the polled mailbox (inbound mails become `mail.received`),
the replies mailed back on `ticket.commented`, attachments and the refused mails' quarantine.

`python -m ticketflow_mail` serves."""

from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_mail.api import quarantine, senders
from ticketflow_mail.messaging.events import event_table
from ticketflow_mail.settings import MailSettings
from ticketflow_mail.workers.gauges import run_gauges
from ticketflow_mail.workers.imap_poll import run_imap_poll
from ticketflow_mail.workers.process_mails import run_process_mails
from ticketflow_mail.workers.smtp_gateway import run_smtp_gateway

NAME = "mail"

SPEC: ServiceSpec[MailSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Mail API",
    routers=[senders.router, quarantine.router],
    events=event_table,
    loops=[run_gauges, run_smtp_gateway, run_imap_poll, run_process_mails],
)


def run() -> None:
    run_service(SPEC, MailSettings())
