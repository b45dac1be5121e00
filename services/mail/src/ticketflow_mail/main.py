"""Wires mail: the SMTP gateway and the polled mailbox (inbound mails become `mail.received`),
the replies mailed back on `ticket.commented`, attachments and the refused mails' quarantine.

`python -m ticketflow_mail` serves."""

from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_mail.messaging.events import event_table
from ticketflow_mail.settings import MailSettings
from ticketflow_mail.workers.gauges import run_gauges

NAME = "mail"

SPEC: ServiceSpec[MailSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Mail API",
    routers=[],
    events=event_table,
    loops=[run_gauges],
)


def run() -> None:
    run_service(SPEC, MailSettings())
