"""The SMTP server a mail transfer agent relays to (aiosmtpd), in the service's own event loop:
DATA is answered 250 only once the raw mail is committed, so nothing accepted is lost."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)

StoreMail = Callable[[bytes, str | None], Awaitable[bool]]
"""Commits (raw bytes, MAIL FROM) as received; False for a Message-ID stored before."""

REFUSED_RECIPIENT = "550 5.1.1 Recipient address rejected: not a domain of this desk"
TRY_LATER = "451 4.3.0 Mail not stored, try again later"


@dataclass
class GatewayHandler:
    """aiosmtpd's handler: refuses recipients outside `accepted_domains` (when any are given)
    and stores each message before answering its DATA."""

    store: StoreMail
    accepted_domains: Sequence[str] = ()

    def accepts(self, address: str) -> bool:
        if not self.accepted_domains:
            return True
        domain = address.rpartition("@")[2].strip().lower().rstrip(".")
        return domain in {d.strip().lower().rstrip(".") for d in self.accepted_domains}

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        del server, session, rcpt_options
        if not self.accepts(address):
            return REFUSED_RECIPIENT
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        del server, session
        raw = envelope.original_content
        if raw is None:
            raw = envelope.content if isinstance(envelope.content, bytes) else b""
        try:
            await self.store(raw, envelope.mail_from)
        except Exception as exc:  # a database outage: the relay keeps the mail and retries
            log.warning("mail not stored, answered 451", extra={"error": repr(exc)})
            return TRY_LATER
        return "250 OK: queued"


async def start_gateway(
    *,
    handler: GatewayHandler,
    host: str,
    port: int,
    hostname: str,
    max_message_bytes: int,
) -> asyncio.Server:
    """Listen on host:port in the running loop; mails over `max_message_bytes` get 552."""
    loop = asyncio.get_running_loop()

    def protocol() -> SMTP:
        return SMTP(
            handler,
            data_size_limit=max_message_bytes,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=hostname,
            loop=loop,
        )

    return await loop.create_server(protocol, host=host, port=port)
