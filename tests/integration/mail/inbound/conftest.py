"""Inbound mail tests on the real Postgres (and an unstarted Kafka producer: the outbox is what
they read): a fresh mail schema, the suite's fake clock, the app in-process, the SMTP gateway on
loopback. Here `mail` (the inbound harness) and `api` (an admin client) stand for the fixtures of
the same names a level up; `make_mail` gives a harness on settings of the test's choosing."""

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import aiosmtplib
import asyncpg
import httpx
import pytest

from tests.support.harness import ServiceHarness
from tests.support.mail_service import TOKEN, mail_runtime, smtp_gateway
from ticketflow_common.events import TicketCreated
from ticketflow_mail.commands.process_mail import Limits, process_received
from ticketflow_mail.main import SPEC
from ticketflow_mail.settings import MailSettings

DESK = "support@desk.example"


def a_mail(
    *,
    sender: str = "Wang Fang <wang.fang@example.cn>",
    subject: str = "VPN drops every ten minutes",
    body: str = "Since this morning the VPN disconnects every ten minutes.",
    message_id: str | None = None,
    **headers: str,
) -> EmailMessage:
    """A person's plain-text mail to the desk; `headers` are added as given (In_Reply_To ->
    In-Reply-To)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = DESK
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="example.cn")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


@dataclass
class InboundHarness(ServiceHarness[MailSettings]):
    """The shared harness plus the gateway's port, sending by SMTP, processing and reads."""

    port: int = 0

    async def send(
        self, message: EmailMessage | bytes, *, sender: str = "wang.fang@example.cn"
    ) -> tuple[dict[str, aiosmtplib.SMTPResponse], str]:
        """Send through the gateway as a relay would; raises on a refused DATA or RCPT."""
        if isinstance(message, EmailMessage):
            return await aiosmtplib.send(message, hostname="127.0.0.1", port=self.port)
        return await aiosmtplib.send(
            message, sender=sender, recipients=[DESK], hostname="127.0.0.1", port=self.port
        )

    async def send_from_null_sender(self, raw: bytes) -> None:
        """MAIL FROM:<> as bounces and delivery reports are sent."""
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=self.port) as client:
            await client.mail("")
            await client.rcpt(DESK)
            await client.data(raw)

    async def process(self, *, batch_size: int = 50) -> int:
        """One round of the processing worker on the harness's clock."""
        limits = Limits.from_settings(self.settings)
        async with self.pool.acquire() as conn:
            return await process_received(
                conn=conn, now=self.clock(), limits=limits, batch_size=batch_size
            )

    async def mails(self) -> list[asyncpg.Record]:
        return await self.fetch("SELECT * FROM mails ORDER BY received_at, mail_id")

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        found = await self.outbox()
        return [e for e in found if event_type is None or e["type"] == event_type]

    async def ticket(self, **extra: Any) -> TicketCreated:
        """A ticket mail knows (as from ticket.created), made from the mail `origin_message_id`."""
        created = TicketCreated(
            ticket_id=uuid.uuid4(),
            subject="VPN drops every ten minutes",
            description="",
            language="en",
            priority="normal",
            category=None,
            required_skills=[],
            requester_id="u-1",
            requester_email="wang.fang@example.cn",
            created_at=self.clock(),
            **extra,
        )
        await self.deliver(created)
        return created

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            return rows


MakeMail = Callable[..., contextlib.AbstractAsyncContextManager[InboundHarness]]


@pytest.fixture
def make_mail(database_url: str, kafka_bootstrap: str) -> MakeMail:
    """A harness with the gateway serving, on settings of the test's choosing."""

    @contextlib.asynccontextmanager
    async def make(**settings: Any) -> AsyncIterator[InboundHarness]:
        async with (
            mail_runtime(database_url, kafka_bootstrap, **settings) as made,
            smtp_gateway(made.runtime) as port,
        ):
            yield InboundHarness(
                spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema, port=port
            )

    return make


@pytest.fixture
async def mail(make_mail: MakeMail) -> AsyncIterator[InboundHarness]:
    """Mail on its defaults (any recipient, 20 mails a sender an hour), the gateway serving."""
    async with make_mail() as harness:
        yield harness


@pytest.fixture
async def api(mail: InboundHarness) -> AsyncIterator[httpx.AsyncClient]:
    """Mail's app in-process, every request with the admin TOKEN."""
    async with mail.client(TOKEN) as client:
        yield client
