"""The gauges worker: recounts stored mails by status every few seconds."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_mail.commands.gauges import refresh_gauges
from ticketflow_mail.settings import MailSettings

GAUGE_SECONDS = 15.0


async def run_gauges(runtime: Runtime[MailSettings], stop: asyncio.Event) -> None:
    await run_every(
        name="mail gauges",
        seconds=GAUGE_SECONDS,
        command=refresh_gauges,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
