"""Webhook answers are drained so one kept-alive connection carries many deliveries."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from ticketflow_notify.adapters.address_guard import AddressGuard
from ticketflow_notify.adapters.http_sender import ANSWER_BYTES_READ, HttpSender
from ticketflow_notify.domain.network_policy import parse_networks
from ticketflow_notify.store.deliveries import ClaimedDelivery


class CountingServer:
    """HTTP/1.1 on loopback that answers every POST with `body` and counts connections."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.connections = 0
        self.requests = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                self.requests += 1
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                    + f"Content-Length: {len(self.body)}\r\n\r\n".encode()
                    + self.body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


async def serve(server: CountingServer) -> tuple[asyncio.Server, str]:
    listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    return listening, f"http://127.0.0.1:{port}/hooks"


def delivery(url: str) -> ClaimedDelivery:
    return ClaimedDelivery(
        id=uuid.uuid4(), channel="webhook", target=url, endpoint_id=uuid.uuid4(),
        event_id=uuid.uuid4(), event_type="ticket.created", subject="t", envelope={"id": "e"},
        trace_carrier={}, message=None, source_topic=None, event_time=None, attempts=1, url=url,
    )  # fmt: skip


def sender(http: httpx.AsyncClient) -> HttpSender:
    guard = AddressGuard(allowed=parse_networks(["127.0.0.0/8"]))
    return HttpSender(http=http, guard=guard, timeout_seconds=5)


async def test_answers_are_drained_and_the_connection_reused(client: httpx.AsyncClient) -> None:
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
    client: httpx.AsyncClient,
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
