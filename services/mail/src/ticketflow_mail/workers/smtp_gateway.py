"""The SMTP gateway worker: serves on MAIL_SMTP_GATEWAY_PORT (0: off) until the service stops."""

import asyncio
import logging

from ticketflow_common.runtime import Runtime
from ticketflow_mail.adapters.smtp_gateway import GatewayHandler, start_gateway
from ticketflow_mail.commands.receive_mail import store_received
from ticketflow_mail.settings import MailSettings

log = logging.getLogger(__name__)


def gateway_handler(runtime: Runtime[MailSettings]) -> GatewayHandler:
    """The handler storing each mail in its own transaction on the service's pool."""

    async def store(raw: bytes, envelope_from: str | None) -> bool:
        async with runtime.pool.acquire() as conn, conn.transaction():
            return await store_received(
                conn=conn, raw=raw, via="smtp", envelope_from=envelope_from, now=runtime.clock()
            )

    return GatewayHandler(store=store, accepted_domains=runtime.settings.accepted_domains)


async def run_smtp_gateway(runtime: Runtime[MailSettings], stop: asyncio.Event) -> None:
    settings = runtime.settings
    if settings.smtp_gateway_port == 0:
        await stop.wait()
        return
    server = await start_gateway(
        handler=gateway_handler(runtime),
        host=settings.smtp_gateway_host,
        port=settings.smtp_gateway_port,
        hostname=settings.smtp_gateway_hostname,
        max_message_bytes=settings.max_message_bytes,
    )
    log.info("SMTP gateway listening", extra={"port": settings.smtp_gateway_port})
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
