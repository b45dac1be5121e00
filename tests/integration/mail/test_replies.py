"""An agent's public reply is mailed to the requester once, in the ticket's thread, through a
real SMTP server; notes and requesters' comments are not; a relay outage is retried."""

import asyncio
from datetime import timedelta

from aiosmtpd.controller import Controller
from prometheus_client import REGISTRY

from tests.integration.mail.conftest import DESK, MailHarness, Relay
from tests.polling import eventually
from tests.processes import free_port
from tests.support.mail import Mailbox
from ticketflow_mail.domain.replies import TICKET_HEADER
from ticketflow_mail.store.replies import claim_due
from ticketflow_mail.workers.replies import run_replies


def attempts_counted(outcome: str) -> float:
    value = REGISTRY.get_sample_value("ticketflow_mail_reply_attempts_total", {"outcome": outcome})
    return value or 0.0


async def test_a_public_agent_reply_is_mailed_once_in_the_thread(
    mail: MailHarness, relay: Relay
) -> None:
    created = mail.created(subject="VPN 每十分钟断线", origin_message_id="<first@example.org>")
    await mail.deliver(created)
    mail.clock.advance(60)
    answer = mail.commented(
        created,
        author_id="u-1",
        author_role="requester",
        body="还是不行",
        origin_message_id="<second@example.org>",
    )
    await mail.deliver(answer)
    mail.clock.advance(60)
    reply = mail.commented(created, body="请重启 VPN 客户端。\n\n——王伟")
    envelope = mail.envelope(reply)
    assert await mail.deliver(envelope) != "duplicate"
    assert await mail.deliver(envelope) == "duplicate"
    await mail.deliver(reply)  # the same comment in another event: still one reply
    sent_before = attempts_counted("sent")

    assert await mail.send_due() == 1
    assert await mail.send_due() == 0

    assert len(relay.mailbox.messages) == 1
    message = relay.mailbox.messages[0]
    reference = f"TF-{created.ticket_id.hex[:8]}"
    assert message["Subject"] == f"Re: VPN 每十分钟断线 [{reference}]"
    assert message["To"] == "u-1@example.org"
    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Ticketflow 支持", DESK)
    assert message["In-Reply-To"] == "<second@example.org>"
    assert message["References"].split() == ["<first@example.org>", "<second@example.org>"]
    assert message["Message-ID"].endswith("@desk.example>")
    assert message[TICKET_HEADER] == str(created.ticket_id)
    assert message["Auto-Submitted"] is None
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    text = message.get_content().replace("\r\n", "\n").rstrip("\n")
    assert text == "请重启 VPN 客户端。\n\n——王伟"

    row = await mail.fetchrow("SELECT status, attempts, comment_id, message_id FROM replies")
    assert row is not None
    assert (row["status"], row["attempts"], row["comment_id"]) == ("sent", 1, reply.comment_id)
    assert row["message_id"] == message["Message-ID"]
    thread = await mail.fetch(
        "SELECT message_id, direction FROM thread_messages WHERE ticket_id = $1"
        " ORDER BY created_at",
        created.ticket_id,
    )
    assert [(t["message_id"], t["direction"]) for t in thread] == [
        ("<first@example.org>", "in"),
        ("<second@example.org>", "in"),
        (message["Message-ID"], "out"),
    ]
    sent = [e for e in await mail.outbox() if e["type"] == "mail.sent"]
    assert len(sent) == 1
    assert sent[0]["subject"] == str(created.ticket_id)
    assert sent[0]["data"]["message_id"] == message["Message-ID"]
    assert sent[0]["data"]["comment_id"] == str(reply.comment_id)
    assert sent[0]["data"]["to"] == "u-1@example.org"
    assert attempts_counted("sent") == sent_before + 1


async def test_a_second_reply_answers_the_first(mail: MailHarness, relay: Relay) -> None:
    created = mail.created(subject="Re: printer [TF-00000000]")
    await mail.deliver(created)
    await mail.deliver(mail.commented(created, body="First answer"))
    await mail.send_due()
    mail.clock.advance(5)
    await mail.deliver(mail.commented(created, body="Second answer", author_role="admin"))
    await mail.send_due()

    first, second = relay.mailbox.messages
    assert first["In-Reply-To"] is None
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["References"] == first["Message-ID"]
    reference = f"TF-{created.ticket_id.hex[:8]}"
    assert second["Subject"] == f"Re: printer [{reference}]"


async def test_notes_requester_comments_and_unknown_addresses_are_not_mailed(
    mail: MailHarness, relay: Relay
) -> None:
    created = mail.created()
    await mail.deliver(created)
    await mail.deliver(mail.commented(created, public=False, body=None))
    await mail.deliver(mail.commented(created, author_id="u-1", author_role="requester"))
    await mail.deliver(mail.commented(created, author_id="system", author_role="system"))
    nobody = mail.created(requester_email=None)
    await mail.deliver(nobody)
    await mail.deliver(mail.commented(nobody))

    assert await mail.send_due() == 0
    assert relay.mailbox.messages == []
    assert await mail.fetch("SELECT * FROM replies") == []
    assert [e for e in await mail.outbox() if e["type"] == "mail.sent"] == []


async def test_a_reply_waits_while_the_relay_is_down_then_is_sent(mail: MailHarness) -> None:
    created = mail.created()
    await mail.deliver(created)
    await mail.deliver(mail.commented(created, body="Try again now"))
    down = free_port()
    retries_before = attempts_counted("retry_scheduled")

    assert await mail.send_due(port=down) == 1
    row = await mail.fetchrow("SELECT status, attempts, last_error, next_attempt_at FROM replies")
    assert row is not None
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "Connect" in row["last_error"] or "refused" in row["last_error"].lower()
    assert (row["next_attempt_at"] - mail.clock()).total_seconds() == 10
    assert await mail.send_due(port=down) == 0  # not due yet
    assert attempts_counted("retry_scheduled") == retries_before + 1

    mail.clock.advance(10)
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=down)
    controller.start()
    try:
        assert await mail.send_due(port=down) == 1
    finally:
        controller.stop()
    assert len(mailbox.messages) == 1
    row = await mail.fetchrow("SELECT status, attempts, last_error FROM replies")
    assert row is not None
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, None)


async def test_a_reply_the_relay_never_takes_is_dead_after_its_retries(mail: MailHarness) -> None:
    created = mail.created()
    await mail.deliver(created)
    await mail.deliver(mail.commented(created))
    down = free_port()
    dead_before = attempts_counted("dead")
    schedule = mail.settings.reply_retry_schedule

    for _ in range(len(schedule) + 1):
        assert await mail.send_due(port=down) == 1
        mail.clock.advance(max(schedule) + 1)
    assert await mail.send_due(port=down) == 0

    row = await mail.fetchrow("SELECT status, attempts, next_attempt_at FROM replies")
    assert row is not None
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == (
        "dead",
        len(schedule) + 1,
        None,
    )
    assert attempts_counted("dead") == dead_before + 1
    assert [e for e in await mail.outbox() if e["type"] == "mail.sent"] == []


async def test_the_sender_wakes_for_a_queued_reply_and_replicas_share_the_work(
    mail: MailHarness, relay: Relay
) -> None:
    created = mail.created()
    await mail.deliver(created)
    for n in range(6):
        await mail.deliver(mail.commented(created, body=f"Answer {n}"))
    claimed = await asyncio.gather(mail.send_due(), mail.send_due(), mail.send_due())
    assert sum(claimed) == 6
    ids = [m["Message-ID"] for m in relay.mailbox.messages]
    assert len(ids) == len(set(ids)) == 6

    stop = asyncio.Event()
    worker = asyncio.create_task(run_replies(mail.runtime, stop))
    try:
        await mail.deliver(mail.commented(created, body="One more thing"))
        await eventually(lambda: _count(relay.mailbox), what="the woken sender's mail", within=4)
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=10)
    assert relay.mailbox.messages[-1].get_content().strip() == "One more thing"


async def _count(mailbox: Mailbox) -> bool:
    return len(mailbox.messages) == 7


class Refusing:
    """An SMTP server that refuses every recipient for good."""

    async def handle_RCPT(
        self, server: object, session: object, envelope: object, address: str, options: object
    ) -> str:
        return "550 5.1.1 no such user"


async def test_a_reply_the_relay_refuses_for_good_is_dead_at_once(mail: MailHarness) -> None:
    created = mail.created()
    await mail.deliver(created)
    await mail.deliver(mail.commented(created))
    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert await mail.send_due(port=port) == 1
    finally:
        controller.stop()
    row = await mail.fetchrow("SELECT status, attempts, last_error FROM replies")
    assert row is not None
    assert (row["status"], row["attempts"]) == ("dead", 1)
    assert "550" in row["last_error"]


async def test_a_reply_claimed_by_a_sender_that_died_is_sent_after_its_lease(
    mail: MailHarness, relay: Relay
) -> None:
    created = mail.created()
    await mail.deliver(created)
    await mail.deliver(mail.commented(created))
    now = mail.clock()
    lease = mail.settings.reply_policy().lease_seconds
    async with mail.pool.acquire() as conn:
        taken = await claim_due(
            conn=conn, now=now, lease_until=now + timedelta(seconds=lease), limit=10
        )
    assert len(taken) == 1  # ... and the sender dies before the relay answers
    assert await mail.send_due() == 0
    mail.clock.advance(lease)
    assert await mail.send_due() == 1
    assert len(relay.mailbox.messages) == 1
