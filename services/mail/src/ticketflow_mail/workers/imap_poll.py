"""The IMAP worker: every MAIL_IMAP_POLL_SECONDS stores the mailbox's unseen mails, then marks
each \\Seen (only after its commit: a crash in between fetches it again, stored once)."""

import asyncio
import logging

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_work_loop
from ticketflow_mail.adapters.imap_poller import ImapAccount, mailbox_session
from ticketflow_mail.commands.imap_cursor import last_stored_uid, store_polled
from ticketflow_mail.settings import MailSettings

log = logging.getLogger(__name__)


def account_of(settings: MailSettings) -> ImapAccount | None:
    """The mailbox to poll; None when none is configured."""
    if not (settings.imap_host and settings.imap_user and settings.imap_password):
        return None
    return ImapAccount(
        host=settings.imap_host,
        port=settings.imap_port,
        tls=settings.imap_tls,
        user=settings.imap_user,
        password=settings.imap_password.get_secret_value(),
        mailbox=settings.imap_mailbox,
        timeout_seconds=settings.imap_timeout_seconds,
    )


async def poll_once(runtime: Runtime[MailSettings], account: ImapAccount) -> int:
    """One session: store every unseen mail not stored yet; returns how many were new."""
    new = 0
    async with mailbox_session(account) as box:
        async with runtime.pool.acquire() as conn:
            last = await last_stored_uid(
                conn=conn, mailbox=account.key, uid_validity=box.uid_validity
            )
        uids = await box.unseen_uids()
        await box.mark_seen([u for u in uids if u <= last])  # stored, not yet marked
        for uid in (u for u in uids if u > last):
            raw = await box.fetch(uid)
            if raw is None:
                continue
            async with runtime.pool.acquire() as conn:
                new += await store_polled(
                    conn=conn,
                    raw=raw,
                    mailbox=account.key,
                    uid_validity=box.uid_validity,
                    uid=uid,
                    now=runtime.clock(),
                )
            await box.mark_seen([uid])
    return new


async def run_imap_poll(runtime: Runtime[MailSettings], stop: asyncio.Event) -> None:
    account = account_of(runtime.settings)
    if account is None:
        await stop.wait()
        return

    async def work() -> int:
        try:
            await poll_once(runtime, account)
        except Exception as exc:  # the mailbox or the database is away: next round retries
            log.warning("IMAP poll failed", extra={"mailbox": account.key, "error": repr(exc)})
        return 0  # never a full batch: the next round waits the poll interval

    await run_work_loop(
        name="imap poll",
        work=work,
        batch_size=1,
        max_idle_seconds=runtime.settings.imap_poll_seconds,
        stop=stop,
        clock=runtime.clock,
    )
