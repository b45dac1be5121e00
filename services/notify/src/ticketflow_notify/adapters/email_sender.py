"""Sends email deliveries over SMTP (aiosmtplib): plain, STARTTLS or implicit TLS."""

import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib

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
        self.tls_context: ssl.SSLContext | None = None
        if settings.smtp_tls != "none":
            self.tls_context = ssl.create_default_context(cafile=settings.smtp_ca_file)

    async def send(self, delivery: ClaimedDelivery, *, now: datetime) -> AttemptResult:
        recipient = delivery.target.removeprefix("email:")
        message = build_message(
            delivery,
            sender=self.settings.smtp_from,
            recipient=recipient,
            now_rfc2822=format_datetime(now),
        )
        password = self.settings.smtp_password
        try:
            await aiosmtplib.send(
                message,
                hostname=self.settings.smtp_host,
                port=self.settings.smtp_port,
                username=self.settings.smtp_username,
                password=None if password is None else password.get_secret_value(),
                use_tls=self.settings.smtp_tls == "implicit",
                start_tls=self.settings.smtp_tls == "starttls",
                tls_context=self.tls_context,
                timeout=self.settings.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPResponseException as exc:
            return AttemptResult(exc.code, f"SMTP {exc.code}: {exc.message}"[:1000])
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            return AttemptResult(None, f"{type(exc).__name__}: {exc}"[:1000])
        return AttemptResult(250, None)
