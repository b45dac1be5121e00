"""A webhook's HTTP exchange through httpx and through aiohttp: client CPU per POST.

Run: `uv run python -m bench.webhook_client [--requests 3000]`. A bare HTTP/1.1 receiver in
another process answers every POST with 204 on one kept-alive connection; this process sends a
1 KB CloudEvent-sized body with a webhook's headers through each client in turn, the answer
drained as notify drains it, and prints the process CPU (user and system) per request and the
wall time per request. Why notify's dispatcher moved to aiohttp (issue #20).
"""

import argparse
import asyncio
import multiprocessing
import os
import time
from multiprocessing.synchronize import Event as ProcessEvent

import aiohttp
import httpx
import uvloop

from tests.support.bare_http import read_request

BODY = b'{"specversion":"1.0","data":"' + b"x" * 900 + b'"}'
HEADERS = {
    "Content-Type": "application/cloudevents+json",
    "webhook-id": "0" * 36,
    "webhook-timestamp": "1700000000",
    "webhook-signature": "v1," + "a" * 44,
    "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01",
}


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            await read_request(reader)
            writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def _receive(port: "multiprocessing.Queue[int]", stop: ProcessEvent) -> None:
    async def main() -> None:
        server = await asyncio.start_server(_answer, "127.0.0.1", 0)
        port.put(server.sockets[0].getsockname()[1])
        async with server:
            await asyncio.get_running_loop().run_in_executor(None, stop.wait)

    uvloop.run(main())


async def through_httpx(url: str, requests: int) -> None:
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as http:
        for _ in range(requests):
            request = http.build_request("POST", url, content=BODY, headers=HEADERS)
            response = await http.send(request, stream=True)
            async for _chunk in response.aiter_raw():
                pass
            await response.aclose()


async def through_aiohttp(url: str, requests: int) -> None:
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False
    ) as http:
        for _ in range(requests):
            response = await http.post(url, data=BODY, headers=HEADERS, allow_redirects=False)
            while await response.content.readany():
                pass
            response.release()


async def measure(url: str, requests: int) -> None:
    for name, client in (("httpx", through_httpx), ("aiohttp", through_aiohttp)):
        await client(url, 200)  # connection open, code warm
        before, started = os.times(), time.perf_counter()
        await client(url, requests)
        after, wall = os.times(), time.perf_counter() - started
        user = (after.user - before.user) / requests * 1e6
        system = (after.system - before.system) / requests * 1e6
        print(
            f"{name:<8} {user + system:6.0f} µs CPU per POST (user {user:.0f}, system"
            f" {system:.0f}); wall {wall / requests * 1e6:.0f} µs",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    port: multiprocessing.Queue[int] = multiprocessing.Queue()
    stop = multiprocessing.Event()
    receiver = multiprocessing.Process(target=_receive, args=(port, stop), daemon=True)
    receiver.start()
    try:
        url = f"http://127.0.0.1:{port.get(timeout=30)}/hooks"
        uvloop.run(measure(url, args.requests))
    finally:
        stop.set()
        receiver.join(timeout=10)


if __name__ == "__main__":
    main()
