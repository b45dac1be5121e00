"""HTTP load generators: open loop (Poisson arrivals) for latency, closed loop for capacity.

Open loop: requests leave on a Poisson schedule whatever the answers do.

A closed loop (N workers, each waiting for its answer) slows down with the server and so hides
queueing; here each request's latency is measured from the instant it was *scheduled*, so a
stalled server shows up in the tail (no coordinated omission). The client speaks HTTP/1.1 over
kept-alive loopback connections with pre-encoded requests, so the generator costs little CPU
on the machine it shares with the server.
"""

import asyncio
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bench.latency import summarise


@dataclass
class LoadResult:
    offered_per_s: float
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0
    start_lag_ms: list[float] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """Figures for reports: achieved rate, latency percentiles, errors, generator lag."""
        ok = sum(n for status, n in self.statuses.items() if status < 300)
        lag = sorted(self.start_lag_ms)
        return {
            "offered_per_s": self.offered_per_s,
            "achieved_per_s": round(ok / self.seconds, 1),
            **summarise(self.latencies_ms),
            "errors": self.failures + sum(n for s, n in self.statuses.items() if s >= 300),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "generator_lag_p99_ms": round(lag[int(0.99 * (len(lag) - 1))], 2) if lag else None,
        }


class Connections:
    """Kept-alive HTTP/1.1 connections to one host, opened on demand up to `limit`."""

    def __init__(self, host: str, port: int, limit: int) -> None:
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.slots = asyncio.Semaphore(limit)

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        """Send one request and read its answer: (status, body).

        A kept-alive connection the server closed while idle fails before any answer byte; the
        request is then sent once more on a new connection, as HTTP clients do.
        """
        async with self.slots:
            if self.idle:
                try:
                    return await self._over(*self.idle.pop(), request)
                except (ConnectionError, asyncio.IncompleteReadError) as error:
                    if isinstance(error, asyncio.IncompleteReadError) and error.partial:
                        raise
            return await self._over(*await asyncio.open_connection(self.host, self.port), request)

    async def _over(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
    ) -> tuple[int, bytes]:
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length) if length else b""
        except BaseException:
            writer.close()
            raise
        self.idle.append((reader, writer))
        return status, body

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


def encode_post(url: str, body: dict[str, Any], headers: dict[str, str]) -> bytes:
    parts = urlsplit(url)
    payload = json.dumps(body, separators=(",", ":")).encode()
    lines = [
        f"POST {parts.path or '/'} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return "\r\n".join(lines).encode() + b"\r\n\r\n" + payload


async def run_open_loop(
    *,
    url: str,
    body: Callable[[int], dict[str, Any]],
    headers: dict[str, str],
    per_second: float,
    seconds: float,
    max_connections: int = 512,
    answer_within: float = 30.0,
    seed: int = 7,
    on_answer: Callable[[int, float, int, bytes], None] | None = None,
) -> LoadResult:
    """POST `body(n)` to `url` at Poisson arrivals of mean `per_second` for `seconds`.

    `on_answer(n, scheduled, status, body)` sees each answer; `scheduled` is on the
    `time.perf_counter()` clock.
    """
    parts = urlsplit(url)
    pool = Connections(parts.hostname or "127.0.0.1", parts.port or 80, max_connections)
    result = LoadResult(per_second, seconds)
    schedule, at, rng = [], 0.0, random.Random(seed)
    while True:
        at += rng.expovariate(per_second)
        if at >= seconds:
            break
        schedule.append(at)

    async def one(n: int, due: float) -> None:
        request = encode_post(url, body(n), headers)
        result.start_lag_ms.append((time.perf_counter() - due) * 1000)
        try:
            status, answer = await asyncio.wait_for(pool.exchange(request), answer_within)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            result.failures += 1
            return
        result.latencies_ms.append((time.perf_counter() - due) * 1000)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if on_answer is not None:
            on_answer(n, due, status, answer)

    origin = time.perf_counter()
    tasks = []
    for n, offset in enumerate(schedule):
        due = origin + offset
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)  # the arrival schedule itself, not a wait for an outcome
        tasks.append(asyncio.create_task(one(n, due)))
    await asyncio.gather(*tasks)
    pool.close()
    # Throughput over the time it took to answer everything: an overloaded server, still
    # answering its queue after the schedule ended, shows less than was offered.
    result.seconds = max(seconds, time.perf_counter() - origin)
    return result


async def run_closed_loop(
    *,
    url: str,
    body: Callable[[int], dict[str, Any]],
    headers: dict[str, str],
    concurrency: int,
    seconds: float,
    warmup_seconds: float = 1.0,
) -> LoadResult:
    """`concurrency` connections each send as soon as their last answer came: the most a server
    answers per second (latency here is service time, not what a user at a given rate sees)."""
    parts = urlsplit(url)
    pool = Connections(parts.hostname or "127.0.0.1", parts.port or 80, concurrency)
    result = LoadResult(0.0, seconds)
    loop = asyncio.get_running_loop()
    measuring_from = loop.time() + warmup_seconds
    stop_at = measuring_from + seconds
    counter = 0

    async def worker() -> None:
        nonlocal counter
        while loop.time() < stop_at:
            counter += 1
            request = encode_post(url, body(counter), headers)
            started = time.perf_counter()
            try:
                status, _ = await pool.exchange(request)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.failures += 1
                continue
            if loop.time() < measuring_from:
                continue
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.statuses[status] = result.statuses.get(status, 0) + 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    pool.close()
    return result
