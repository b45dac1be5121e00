"""Handing one message to an SMTP server (aiosmtplib): plain, STARTTLS or implicit TLS, and
what the server answered, so every service that mails treats a refusal and an outage alike."""

import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

import aiosmtplib
from pydantic import SecretStr

SmtpTls = Literal["none", "starttls", "implicit"]
MAX_ERROR_CHARS = 1000


@dataclass(frozen=True)
class SmtpRelay:
    """Where and how to hand mail over."""

    host: str
    port: int
    tls: SmtpTls = "none"
    username: str | None = None
    password: SecretStr | None = None
    timeout_seconds: float = 15.0
    ca_file: str | None = None

    def tls_context(self) -> ssl.SSLContext | None:
        """The context that verifies the server (system CAs unless `ca_file`); None: plain."""
        if self.tls == "none":
            return None
        return ssl.create_default_context(cafile=self.ca_file)


@dataclass(frozen=True)
class SmtpOutcome:
    """The server's reply code (None when none came) and the error, None on success."""

    code: int | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.error is None


async def send_message(
    message: EmailMessage, *, relay: SmtpRelay, tls_context: ssl.SSLContext | None
) -> SmtpOutcome:
    """A 2xx answer to the whole transaction is success; any SMTP error, refused connection
    or timeout a failure with its reason (never the password)."""
    password = relay.password
    try:
        await aiosmtplib.send(
            message,
            hostname=relay.host,
            port=relay.port,
            username=relay.username,
            password=None if password is None else password.get_secret_value(),
            use_tls=relay.tls == "implicit",
            start_tls=relay.tls == "starttls",
            tls_context=tls_context,
            timeout=relay.timeout_seconds,
        )
    except aiosmtplib.SMTPResponseException as exc:
        return SmtpOutcome(exc.code, f"SMTP {exc.code}: {exc.message}"[:MAX_ERROR_CHARS])
    except aiosmtplib.SMTPRecipientsRefused as exc:
        # Every recipient refused: the first one's answer stands for the message.
        first = exc.recipients[0] if exc.recipients else None
        code = first.code if first is not None else None
        detail = f"SMTP {code}: {first.message}" if first is not None else "recipients refused"
        return SmtpOutcome(code, detail[:MAX_ERROR_CHARS])
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        return SmtpOutcome(None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS])
    return SmtpOutcome(250, None)
