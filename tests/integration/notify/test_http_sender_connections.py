"""Webhook answers are drained so one kept-alive connection carries many deliveries; what the
receiver sees of a request, and that answers never steer the next one (redirects, cookies)."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from tests.integration.notify.conftest import webhook_delivery as delivery
from tests.support.bare_http import read_request
from tests.support.spans import named, recorded_spans
from ticketflow_notify.adapters.address_guard import AddressGuard
from ticketflow_notify.adapters.http_sender import ANSWER_BYTES_READ, HttpSender, new_session
from ticketflow_notify.domain.network_policy import parse_networks


class CountingServer:
    """HTTP/1.1 on loopback that answers every POST with `body` and counts connections."""

    def __init__(self, body: bytes, *, status: bytes = b"200 OK", extra: bytes = b"") -> None:
        self.body = body
        self.status = status
        self.extra = extra  # more header lines, each ending in CRLF
        self.connections = 0
        self.requests = 0
        self.seen: list[tuple[bytes, bytes]] = []  # (head, body) of each request

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                self.seen.append(await read_request(reader))
                self.requests += 1
                writer.write(
                    b"HTTP/1.1 "
                    + self.status
                    + b"\r\nContent-Type: text/plain\r\n"
                    + self.extra
                    + f"Content-Length: {len(self.body)}\r\n\r\n".encode()
                    + self.body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with new_session() as http:
        yield http


async def serve(server: CountingServer) -> tuple[asyncio.Server, str]:
    listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    return listening, f"http://127.0.0.1:{port}/hooks"


def sender(http: aiohttp.ClientSession) -> HttpSender:
    guard = AddressGuard(allowed=parse_networks(["127.0.0.0/8"]))
    return HttpSender(http=http, guard=guard, timeout_seconds=5)


async def test_answers_are_drained_and_the_connection_reused(client: aiohttp.ClientSession) -> None:
    server = CountingServer(b"thanks")
    listening, url = await serve(server)
    async with listening:
        results = [
            await sender(client).send(delivery(url), secrets=["s3cret"], now=datetime.now(UTC))
            for _ in range(10)
        ]
    assert all(r.succeeded for r in results)
    assert (server.requests, server.connections) == (10, 1)


async def test_an_oversized_answer_still_counts_and_only_costs_its_connection(
    client: aiohttp.ClientSession,
) -> None:
    server = CountingServer(b"x" * (ANSWER_BYTES_READ * 4))
    listening, url = await serve(server)
    async with listening:
        results = [
            await sender(client).send(delivery(url), secrets=["s3cret"], now=datetime.now(UTC))
            for _ in range(3)
        ]
    assert [r.status_code for r in results] == [200, 200, 200]
    assert server.connections == 3


def header(head: bytes, name: bytes) -> list[bytes]:
    return [
        line.split(b":", 1)[1].strip()
        for line in head.split(b"\r\n")[1:]
        if line.split(b":", 1)[0].strip().lower() == name
    ]


async def test_the_receiver_sees_the_urls_host_the_body_and_its_signature(
    client: aiohttp.ClientSession,
) -> None:
    server = CountingServer(b"")
    listening, url = await serve(server)
    port = url.split(":")[2].split("/")[0]
    named = f"http://localhost:{port}/hooks?k=v"  # the guard pins it to 127.0.0.1
    async with listening:
        result = await sender(client).send(
            delivery(named), secrets=["s3cret"], now=datetime.now(UTC)
        )
    assert result.succeeded
    [(head, body)] = server.seen
    assert head.startswith(b"POST /hooks?k=v HTTP/1.1\r\n")
    assert header(head, b"host") == [f"localhost:{port}".encode()]
    assert header(head, b"content-type") == [b"application/cloudevents+json"]
    assert header(head, b"content-length") == [str(len(body)).encode()]
    assert body == b'{"id":"e"}'
    assert header(head, b"webhook-signature")[0].startswith(b"v1,")


async def test_a_redirect_is_a_failed_attempt_and_not_followed(
    client: aiohttp.ClientSession,
) -> None:
    server = CountingServer(b"", status=b"302 Found", extra=b"Location: /elsewhere\r\n")
    listening, url = await serve(server)
    async with listening:
        result = await sender(client).send(delivery(url), secrets=["s3cret"], now=datetime.now(UTC))
    assert (result.status_code, result.error) == (302, "HTTP 302")
    assert server.requests == 1


async def test_a_cookie_an_endpoint_sets_is_never_sent_back(client: aiohttp.ClientSession) -> None:
    server = CountingServer(b"", extra=b"Set-Cookie: session=abc; Path=/\r\n")
    listening, url = await serve(server)
    async with listening:
        for _ in range(2):
            await sender(client).send(delivery(url), secrets=["s3cret"], now=datetime.now(UTC))
    assert [header(head, b"cookie") for head, _ in server.seen] == [[], []]


async def test_an_unreachable_endpoint_is_a_failed_attempt_naming_the_error(
    client: aiohttp.ClientSession,
) -> None:
    listening = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    listening.close()
    await listening.wait_closed()
    result = await sender(client).send(
        delivery(f"http://127.0.0.1:{port}/hooks"), secrets=["s3cret"], now=datetime.now(UTC)
    )
    assert result.status_code is None
    assert result.error is not None
    assert result.error.startswith("ClientConnectorError")


async def test_a_recorded_client_span_shows_the_url_without_its_token() -> None:
    spans = recorded_spans()  # spans recorded: the client instrumentation is on
    server = CountingServer(b"")
    listening, url = await serve(server)
    async with listening, new_session() as http:  # made after the instrumentation
        result = await sender(http).send(
            delivery(f"{url}?token=s3cr3t-t0ken"), secrets=["s3cret"], now=datetime.now(UTC)
        )
    assert result.succeeded
    assert server.seen[0][0].startswith(b"POST /hooks?token=s3cr3t-t0ken ")
    [call] = named(spans, "POST")
    shown = [str(v) for v in (call.attributes or {}).values()]
    assert any("/hooks" in v for v in shown)
    assert not any("s3cr3t" in v for v in shown)
