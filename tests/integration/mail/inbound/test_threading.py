"""A reply finds its ticket by In-Reply-To/References or by the ticket reference in its subject;
its Message-ID joins the thread; the files it carries are stored when the rules allow."""

from collections.abc import Awaitable, Callable
from email.message import EmailMessage

import asyncpg

from tests.integration.mail.inbound.conftest import InboundHarness, MakeMail, a_mail
from tests.polling import eventually
from tests.support.mail_service import running
from ticketflow_mail.store.tickets import reference_of
from ticketflow_mail.workers.process_mails import run_process_mails


async def test_a_reply_is_threaded_to_its_ticket_by_in_reply_to_then_by_references(
    mail: InboundHarness,
) -> None:
    ticket = await mail.ticket(origin_message_id="<first@example.cn>")
    reply = a_mail(
        subject="Re: VPN drops every ten minutes",
        body="It happened again.\n\nOn Monday, the desk wrote:\n> What VPN client do you use?",
        In_Reply_To="<first@example.cn>",
    )
    await mail.send(reply)
    await mail.process()
    [event] = await mail.events("mail.received")
    assert event["data"]["ticket_id"] == str(ticket.ticket_id)
    assert event["subject"] == str(ticket.ticket_id)  # keyed by the ticket: in its order
    assert event["data"]["text"] == "It happened again."

    # A later mail naming only the reply (References) is in the same thread.
    await mail.send(a_mail(subject="more", References=f"<unknown@x.org> {reply['Message-ID']}"))
    await mail.process()
    later = (await mail.events("mail.received"))[-1]
    assert later["data"]["ticket_id"] == str(ticket.ticket_id)
    thread = await mail.fetch(
        "SELECT message_id FROM thread_messages WHERE ticket_id = $1", ticket.ticket_id
    )
    assert len(thread) == 3


async def test_a_reply_is_threaded_by_the_ticket_reference_in_its_subject(
    mail: InboundHarness,
) -> None:
    ticket = await mail.ticket()
    reference = reference_of(ticket.ticket_id)
    await mail.send(a_mail(subject=f"Re: VPN drops [{reference.upper()}]"))
    await mail.send(a_mail(subject="Re: VPN drops [TF-00000000]"))  # no such ticket
    await mail.process()
    found = {
        e["data"]["subject"]: e["data"]["ticket_id"] for e in await mail.events("mail.received")
    }
    assert found == {
        f"Re: VPN drops [{reference.upper()}]": str(ticket.ticket_id),
        "Re: VPN drops [TF-00000000]": None,
    }
    [row] = await mail.fetch("SELECT ticket_id FROM mails WHERE ticket_id IS NOT NULL")
    assert row["ticket_id"] == ticket.ticket_id


async def test_allowed_attachments_are_stored_and_executables_skipped_with_a_note(
    mail: InboundHarness,
) -> None:
    msg: EmailMessage = a_mail(subject="screenshot attached")
    msg.add_attachment(
        b"%PDF-1.4\n% a report\n", maintype="application", subtype="pdf", filename="report.pdf"
    )
    msg.add_attachment(
        b"MZ\x90\x00 a program",
        maintype="application",
        subtype="octet-stream",
        filename="invoice.pdf.exe",
    )
    await mail.send(msg)
    await mail.process()
    [event] = await mail.events("mail.received")
    [listed] = event["data"]["attachments"]
    assert listed["filename"] == "report.pdf"
    assert listed["size"] == 20
    [stored] = await mail.fetch("SELECT * FROM attachments")
    assert str(stored["attachment_id"]) == listed["attachment_id"]
    assert bytes(stored["content"]).startswith(b"%PDF")
    assert len(stored["sha256"]) == 64
    [row] = await mail.mails()
    assert "invoice.pdf.exe" in row["detail"]


async def test_a_stored_mail_is_processed_at_once_not_at_the_next_poll(
    make_mail: MakeMail,
) -> None:
    # Idle for an hour between looks: only the mails table's NOTIFY can wake it in time.
    async with make_mail(process_idle_seconds=3600) as mail:
        async with running(mail.runtime, run_process_mails):

            async def processed() -> list[asyncpg.Record]:
                return [m for m in await mail.mails() if m["status"] == "accepted"]

            await mail.send(a_mail(subject="first"))
            await eventually(processed, what="the first mail processed", within=5)
            await mail.send(a_mail(subject="second"))  # the worker is idle by now
            await eventually(lambda: _two(processed), what="the second mail processed", within=5)
        assert len(await mail.events("mail.received")) == 2


async def _two(probe: Callable[[], Awaitable[list[asyncpg.Record]]]) -> bool:
    return len(await probe()) == 2
