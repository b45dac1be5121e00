"""Sends email deliveries over SMTP (`ticketflow_common.smtp`): plain, STARTTLS or implicit TLS."""

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ticketflow_common.smtp import SmtpRelay, send_message
from ticketflow_notify.domain.outcomes import AttemptResult
from ticketflow_notify.settings import NotifySettings
from ticketflow_notify.store.deliveries import ClaimedDelivery

DELIVERY_ID_HEADER = "X-Ticketflow-Delivery-Id"


def build_message(
    delivery: ClaimedDelivery, *, sender: str, recipient: str, now_rfc2822: str
) -> EmailMessage:
    message = EmailMessage()
    content = delivery.message or {}
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = content.get("subject") or delivery.event_type
    message["Date"] = now_rfc2822
    message["Message-ID"] = make_msgid(idstring=str(delivery.id), domain="ticketflow.invalid")
    message[DELIVERY_ID_HEADER] = str(delivery.id)
    message["X-Ticketflow-Event-Type"] = delivery.event_type
    message.set_content(content.get("body") or "")
    return message


class SmtpSender:
    """A 2xx answer to the whole transaction is success; any SMTP error or timeout a failure."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings
        self.relay = SmtpRelay(
            host=settings.smtp_host,
            port=settings.smtp_port,
            tls=settings.smtp_tls,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout_seconds=settings.smtp_timeout_seconds,
            ca_file=settings.smtp_ca_file,
        )
        self.tls_context = self.relay.tls_context()

    async def send(self, delivery: ClaimedDelivery, *, now: datetime) -> AttemptResult:
        recipient = delivery.target.removeprefix("email:")
        message = build_message(
            delivery,
            sender=self.settings.smtp_from,
            recipient=recipient,
            now_rfc2822=format_datetime(now),
        )
        outcome = await send_message(message, relay=self.relay, tls_context=self.tls_context)
        return AttemptResult(outcome.code, outcome.error)
