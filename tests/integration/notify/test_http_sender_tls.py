"""An https webhook goes to the address the guard checked, and its certificate must still be
valid for the URL's host name (the pinned address is not what is verified)."""

import asyncio
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import trustme

from tests.integration.notify.conftest import webhook_delivery as delivery
from tests.support.bare_http import read_request
from ticketflow_notify.adapters.address_guard import AddressGuard
from ticketflow_notify.adapters.http_sender import HttpSender, new_session
from ticketflow_notify.domain.network_policy import parse_networks


async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await read_request(reader)
        writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


@pytest.fixture
async def https_port(certificate_authority: trustme.CA) -> AsyncIterator[int]:
    """A receiver whose certificate (from the suite's test authority) is for `localhost`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("localhost").configure_cert(context)
    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    async with server:
        yield server.sockets[0].getsockname()[1]


async def send(url: str, trusted: trustme.CA) -> tuple[int | None, str | None]:
    trust = ssl.create_default_context()
    trusted.configure_trust(trust)
    guard = AddressGuard(allowed=parse_networks(["127.0.0.0/8", "::1/128"]))
    async with new_session(tls=trust) as http:
        sender = HttpSender(http=http, guard=guard, timeout_seconds=5)
        result = await sender.send(delivery(url), secrets=["s3cret"], now=datetime.now(UTC))
    return result.status_code, result.error


async def test_a_certificate_valid_for_the_urls_host_is_accepted(
    https_port: int, certificate_authority: trustme.CA
) -> None:
    url = f"https://localhost:{https_port}/hooks"
    assert await send(url, certificate_authority) == (204, None)


async def test_a_certificate_for_another_name_fails_the_attempt(
    https_port: int, certificate_authority: trustme.CA
) -> None:
    status, error = await send(f"https://127.0.0.1:{https_port}/hooks", certificate_authority)
    assert status is None
    assert error is not None
    assert "certificate" in error.lower()


async def test_an_untrusted_certificate_fails_the_attempt(https_port: int) -> None:
    status, error = await send(f"https://localhost:{https_port}/hooks", trustme.CA())
    assert status is None
    assert error is not None
    assert "certificate" in error.lower()
