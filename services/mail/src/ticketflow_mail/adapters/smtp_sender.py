"""Hands replies to the outbound relay (`MAIL_SMTP_RELAY_*`) over SMTP."""

from email.message import EmailMessage

from ticketflow_common.smtp import SmtpOutcome, SmtpRelay, send_message


class SmtpSender:
    """One relay, its TLS context made once."""

    def __init__(self, relay: SmtpRelay) -> None:
        self.relay = relay
        self.tls_context = relay.tls_context()

    async def send(self, message: EmailMessage) -> SmtpOutcome:
        return await send_message(message, relay=self.relay, tls_context=self.tls_context)
