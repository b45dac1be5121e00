"""Mail tests on the real Postgres: a fresh mail schema, events delivered through the service's
event table on the suite's fake clock, the app in-process, and a real SMTP server (aiosmtpd) on
loopback as the outbound relay. Every mail helper's tests may use `mail` (the harness), `relay`
(the relay's port and mailbox), `api` (an admin client), `agent_api` (agent a-1),
`requester_api` (requester u-1) and `mail_topics` (Kafka topics of the test's own)."""

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import asyncpg
import httpx
import pytest

from tests.kafka_helpers import delete_topics
from tests.support.harness import ServiceHarness, schema_runtime
from tests.support.mail import Mailbox, plain_smtp_server
from tests.support.ticket_facts import follow_up_facts
from ticketflow_common import access_tokens
from ticketflow_common.access_tokens import CallerRole
from ticketflow_common.events import TicketCommented, TicketCreated
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.smtp import SmtpRelay
from ticketflow_common.topics import MAIL, TICKETS, TopicNames
from ticketflow_mail.adapters.smtp_sender import SmtpSender
from ticketflow_mail.commands.replies import send_due_replies
from ticketflow_mail.domain.access import ACCESS_AUDIENCE
from ticketflow_mail.main import SPEC
from ticketflow_mail.settings import MailSettings

TOKEN = secrets.token_urlsafe(24)
"""The service token: whoever presents it is an admin."""
SIGNING_SECRET = secrets.token_urlsafe(32)
"""Signs the tests' access tokens."""
DESK = "support@desk.example"


@dataclass(frozen=True)
class Relay:
    """The SMTP server replies are handed to, and what it accepted."""

    port: int
    mailbox: Mailbox


@dataclass
class MailHarness(ServiceHarness[MailSettings]):
    """The shared harness plus tickets, comments, the reply sender and reads of mail's tables."""

    versions: dict[uuid.UUID, int] = field(default_factory=dict)

    def created(
        self,
        *,
        subject: str = "VPN drops every ten minutes",
        requester_id: str = "u-1",
        requester_email: str | None = "u-1@example.org",
        **extra: Any,
    ) -> TicketCreated:
        ticket_id = uuid.uuid4()
        self.versions[ticket_id] = 1
        return TicketCreated(
            ticket_id=ticket_id,
            subject=subject,
            priority="normal",
            required_skills=[],
            requester_id=requester_id,
            requester_email=requester_email,
            created_at=self.clock(),
            **extra,
        )

    def commented(
        self,
        created: TicketCreated,
        *,
        body: str | None = "Please restart the VPN client.",
        author_id: str = "a-1",
        author_role: CallerRole | str = "agent",
        public: bool = True,
        **extra: Any,
    ) -> TicketCommented:
        self.versions[created.ticket_id] += 1
        facts = follow_up_facts(created, version=self.versions[created.ticket_id])
        return TicketCommented(
            **facts,
            comment_id=uuid.uuid4(),
            author_id=author_id,
            author_role=author_role,
            public=public,
            first_response=False,
            body=body if public else None,
            commented_at=self.clock(),
            **extra,
        )

    async def send_due(self, *, port: int | None = None) -> int:
        """One round of the reply sender, to the harness's relay or to `port`."""
        relay: SmtpRelay = self.settings.smtp_relay()
        if port is not None:
            relay = replace(relay, port=port)
        return await send_due_replies(
            pool=self.pool,
            clock=self.clock,
            send=SmtpSender(relay).send,
            policy=self.settings.reply_policy(),
            limit=self.settings.reply_batch_size,
        )

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            return rows

    async def fetchrow(self, query: str, *args: object) -> asyncpg.Record | None:
        async with self.pool.acquire() as conn:
            row: asyncpg.Record | None = await conn.fetchrow(query, *args)
            return row


def token_for(role: CallerRole, subject: str, *, harness: MailHarness, hours: float = 1.0) -> str:
    """An access token of mail's audience for an agent or a requester."""
    return access_tokens.access_token(
        role=role,
        subject=subject,
        audience=ACCESS_AUDIENCE,
        secret=SIGNING_SECRET,
        now=harness.clock(),
        hours=hours,
    )


@pytest.fixture
def relay() -> Iterator[Relay]:
    """A plain SMTP server on loopback: the outbound relay of `mail`."""
    with plain_smtp_server() as (port, mailbox):
        yield Relay(port=port, mailbox=mailbox)


@pytest.fixture
async def mail(database_url: str, kafka_bootstrap: str, relay: Relay) -> AsyncIterator[MailHarness]:
    """Mail's migrations in a schema of this test's own; the clock is the suite's FakeClock."""
    settings = MailSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        api_token=TOKEN,
        access_token_secret=SIGNING_SECRET,
        auth_failure_limit=10_000,  # tests share one client address
        smtp_gateway_port=0,
        smtp_relay_host="127.0.0.1",
        smtp_relay_port=relay.port,
        smtp_relay_timeout_seconds=5,
        from_address=DESK,
        from_name="Ticketflow 支持",
        message_id_domain="desk.example",
    )
    async with schema_runtime(
        service="mail",
        settings=settings,
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
    ) as made:
        yield MailHarness(spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema)


@pytest.fixture
async def api(mail: MailHarness) -> AsyncIterator[httpx.AsyncClient]:
    """Mail's app in-process, every request with the admin TOKEN."""
    async with mail.client(TOKEN) as client:
        yield client


@pytest.fixture
async def agent_api(mail: MailHarness) -> AsyncIterator[httpx.AsyncClient]:
    """The app as agent a-1."""
    async with mail.client(token_for("agent", "a-1", harness=mail)) as client:
        yield client


@pytest.fixture
async def requester_api(mail: MailHarness) -> AsyncIterator[httpx.AsyncClient]:
    """The app as requester u-1."""
    async with mail.client(token_for("requester", "u-1", harness=mail)) as client:
        yield client


@pytest.fixture
async def mail_topics(kafka_bootstrap: str) -> AsyncIterator[TopicNames]:
    """`tickets.events.v1` and `mail.events.v1` under a prefix of this test's own."""
    names = TopicNames(f"it{uuid.uuid4().hex[:10]}.")
    await ensure_topics(
        bootstrap_servers=kafka_bootstrap, names=names, partitions=3, only=[TICKETS, MAIL]
    )
    yield names
    await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)
