"""Wires mail: the SMTP gateway and the polled mailbox (inbound mails become `mail.received`),
the replies mailed back on `ticket.commented`, attachments and the refused mails' quarantine.

`python -m ticketflow_mail` serves. Operator commands, each of which exits when done:
`issue-token --role agent|requester --subject <id>` prints an access token."""

import argparse

from ticketflow_common.access_tokens import add_issue_token, print_issued_token
from ticketflow_common.audit_command import verify_audit_command
from ticketflow_common.clock import system_clock
from ticketflow_common.migrate_command import migrate_command
from ticketflow_common.operator_commands import (
    OperatorCommand,
    operator_parser,
    serve_or_run_command,
)
from ticketflow_common.service_main import ServiceSpec
from ticketflow_mail.api import attachments, quarantine, senders
from ticketflow_mail.api.authentication import ACCESS_TOKEN, authenticate
from ticketflow_mail.domain.access import ACCESS_AUDIENCE
from ticketflow_mail.messaging.events import event_table
from ticketflow_mail.settings import MailSettings
from ticketflow_mail.workers.gauges import run_gauges
from ticketflow_mail.workers.imap_poll import run_imap_poll
from ticketflow_mail.workers.process_mails import run_process_mails
from ticketflow_mail.workers.replies import run_replies
from ticketflow_mail.workers.smtp_gateway import run_smtp_gateway

NAME = "mail"

SPEC: ServiceSpec[MailSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Mail API",
    routers=[senders.router, quarantine.router, attachments.router],
    events=event_table,
    auth=authenticate,
    auth_scheme=ACCESS_TOKEN,
    loops=[run_gauges, run_smtp_gateway, run_imap_poll, run_process_mails, run_replies],
)


def run_issue_token(settings: MailSettings, args: argparse.Namespace) -> None:
    print_issued_token(
        args,
        audience=ACCESS_AUDIENCE,
        access_secret=settings.access_token_secret,
        variable="MAIL_ACCESS_TOKEN_SECRET",
        now=system_clock(),
    )


OPERATOR_COMMANDS: dict[str, OperatorCommand[MailSettings]] = {
    "issue-token": (add_issue_token, run_issue_token),
    "verify-audit": verify_audit_command(NAME),
    "migrate": migrate_command(NAME),
}


def arguments() -> argparse.ArgumentParser:
    return operator_parser(service=NAME, commands=OPERATOR_COMMANDS)


def run() -> None:
    serve_or_run_command(SPEC, MailSettings, OPERATOR_COMMANDS)
