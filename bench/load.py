"""A closed-loop HTTP load generator: N workers each send, wait for the answer, send again."""

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class LoadResult:
    concurrency: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def row(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "requests": self.requests,
            "errors": self.errors,
            "req_per_s": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p99_ms": round(self.percentile(99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else None,
        }


async def run_load(
    *,
    url: str,
    body: Callable[[int], dict[str, Any]],
    headers: dict[str, str],
    concurrency: int,
    seconds: float,
    warmup_seconds: float = 1.0,
) -> LoadResult:
    """POST `body(n)` to `url` from `concurrency` workers for `seconds` after a warm-up."""
    latencies: list[float] = []
    errors = 0
    counter = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as http:
        loop = asyncio.get_running_loop()
        measuring_from = loop.time() + warmup_seconds
        stop_at = measuring_from + seconds

        async def worker() -> None:
            nonlocal errors, counter
            while loop.time() < stop_at:
                counter += 1
                started = time.perf_counter()
                response = await http.post(url, json=body(counter))
                elapsed = (time.perf_counter() - started) * 1000
                if loop.time() < measuring_from:
                    continue
                if response.status_code >= 300:
                    errors += 1
                latencies.append(elapsed)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return LoadResult(concurrency, len(latencies), errors, seconds, latencies)


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")
