"""The reply sender: mails due replies as they come due, woken at once by a queued one (NOTIFY);
any number of replicas share them."""

import asyncio
from datetime import datetime

from ticketflow_common.runtime import Runtime
from ticketflow_common.wakeups import listening
from ticketflow_common.work_loop import run_work_loop
from ticketflow_mail.adapters.smtp_sender import SmtpSender
from ticketflow_mail.commands.replies import next_reply_due, send_due_replies
from ticketflow_mail.settings import MailSettings


async def run_replies(runtime: Runtime[MailSettings], stop: asyncio.Event) -> None:
    settings = runtime.settings
    sender = SmtpSender(settings.smtp_relay())
    policy = settings.reply_policy()
    wakeup = asyncio.Event()

    async def work() -> int:
        return await send_due_replies(
            pool=runtime.pool,
            clock=runtime.clock,
            send=sender.send,
            policy=policy,
            limit=settings.reply_batch_size,
        )

    async def next_due() -> datetime | None:
        return await next_reply_due(pool=runtime.pool)

    async with runtime.pool.acquire() as conn:
        channel = f"{await conn.fetchval('SELECT current_schema()')}_replies"
    async with listening(runtime.pool, channel, wakeup.set):
        await run_work_loop(
            name="reply sender",
            work=work,
            batch_size=settings.reply_batch_size,
            max_idle_seconds=settings.reply_idle_seconds,
            stop=stop,
            clock=runtime.clock,
            next_due=next_due,
            wakeup=wakeup,
        )
