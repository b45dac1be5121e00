"""Polling a real Dovecot mailbox: each unseen mail is stored once, then marked \\Seen; a
restart (or a crash between the commit and the \\Seen) never tickets a mail twice."""

from collections.abc import AsyncIterator, Iterator

import aioimaplib
import asyncpg
import pytest

from tests.integration.mail.inbound.conftest import MakeMail, a_mail
from tests.polling import eventually
from tests.support.dovecot import Dovecot, dovecot_server
from tests.support.mail_service import running
from ticketflow_mail.workers.imap_poll import account_of, poll_once, run_imap_poll


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    with dovecot_server() as server:
        yield server


@pytest.fixture
async def imap(dovecot: Dovecot) -> AsyncIterator[aioimaplib.IMAP4]:
    """A client of the test's own on the mailbox: it delivers mails (APPEND) and reads flags."""
    client = aioimaplib.IMAP4(host=dovecot.host, port=dovecot.port, timeout=10)
    await client.wait_hello_from_server()
    await client.login(dovecot.user, dovecot.password)
    await client.select("INBOX")
    yield client
    await client.logout()


def mailbox_settings(dovecot: Dovecot) -> dict[str, object]:
    return {
        "imap_host": dovecot.host,
        "imap_port": dovecot.port,
        "imap_tls": False,
        "imap_user": dovecot.user,
        "imap_password": dovecot.password,
        "imap_poll_seconds": 0.2,
    }


async def unseen(imap: aioimaplib.IMAP4) -> list[str]:
    await imap.select("INBOX")  # a fresh view of what another session changed
    found = await imap.uid_search("UNSEEN")
    return bytes(found.lines[0]).decode().split()


async def test_an_unseen_mail_is_stored_once_then_marked_seen_and_ticketed_once(
    make_mail: MakeMail, dovecot: Dovecot, imap: aioimaplib.IMAP4
) -> None:
    await imap.append(a_mail(subject="polled").as_bytes(), mailbox="INBOX")
    await imap.append(
        a_mail(subject="polled too", sender="li.lei@example.cn").as_bytes(), mailbox="INBOX"
    )
    async with make_mail(**mailbox_settings(dovecot)) as mail:
        account = account_of(mail.settings)
        assert account is not None
        assert await poll_once(mail.runtime, account) == 2
        assert await unseen(imap) == []
        assert await poll_once(mail.runtime, account) == 0
        await mail.process()
        received = await mail.events("mail.received")
        assert sorted(e["data"]["subject"] for e in received) == ["polled", "polled too"]
        assert {e["data"]["via"] for e in received} == {"imap"}


async def test_a_restart_after_the_commit_but_before_the_seen_flag_stores_nothing_twice(
    make_mail: MakeMail, dovecot: Dovecot, imap: aioimaplib.IMAP4
) -> None:
    await imap.append(a_mail(subject="only once").as_bytes(), mailbox="INBOX")
    async with make_mail(**mailbox_settings(dovecot)) as mail:
        account = account_of(mail.settings)
        assert account is not None
        await poll_once(mail.runtime, account)
        await mail.process()
        # As if the process died after its commit, before \Seen: the flag is not there.
        await imap.uid("store", "1:*", "-FLAGS", r"(\Seen)")
        assert await unseen(imap) == ["1"]
        # The restarted worker, polling on its own loop, marks it and stores nothing new.
        async with running(mail.runtime, run_imap_poll):

            async def marked() -> bool:
                return await unseen(imap) == []

            await eventually(marked, what="the mail marked seen", within=10)
        await mail.process()
        assert len(await mail.mails()) == 1
        assert len(await mail.events("mail.received")) == 1


async def test_the_worker_polls_new_mail_on_its_interval(
    make_mail: MakeMail, dovecot: Dovecot, imap: aioimaplib.IMAP4
) -> None:
    async with make_mail(**mailbox_settings(dovecot)) as mail, running(mail.runtime, run_imap_poll):

        async def stored() -> list[asyncpg.Record]:
            return await mail.mails()

        await imap.append(a_mail(subject="while running").as_bytes(), mailbox="INBOX")
        [row] = await eventually(stored, what="the polled mail stored", within=10)
        assert row["via"] == "imap"
        assert row["envelope_from"] is None


async def test_a_wrong_password_is_logged_and_retried_never_crashing_the_worker(
    make_mail: MakeMail, dovecot: Dovecot, caplog: pytest.LogCaptureFixture
) -> None:
    # One attempt in the test: Dovecot delays an address's logins after each failure.
    settings = {**mailbox_settings(dovecot), "imap_password": "wrong", "imap_poll_seconds": 60}
    async with make_mail(**settings) as mail, running(mail.runtime, run_imap_poll):

        async def logged() -> list[str]:
            return [r.message for r in caplog.records if r.message == "IMAP poll failed"]

        await eventually(logged, what="the failed poll logged", within=10)
    assert "wrong" not in caplog.text  # the password is never logged
