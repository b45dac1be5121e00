"""`POST /suggestions` over HTTP against the knowledge service as its own process, on a schema
the speed bench filled: the route, authentication, the ranking and the stored suggestion
together (issue 15, item 7: suggestions p99 at most 50 ms with 100,000 items).

Called by `bench.knowledge_speed --http`; the schema is renamed to `knowledge` for the run (the
service's own name) and back afterwards."""

import asyncio
import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import asyncpg
import httpx

from bench.http_load import Connections, encode_post
from bench.process_stats import cpu_seconds, host_ticks, memory_kib, steal_share
from tests.kafka_helpers import delete_topics
from tests.processes import ServiceProcess, free_port
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.topics import TopicNames

TARGET_P99_MS = 50.0


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ranking_share(metrics: str) -> str:
    """How many rankings (warm-up included) took longer than each histogram bound, from the
    service's own `ticketflow_knowledge_suggestion_seconds`: is a slow request slow ranking?"""
    buckets: list[tuple[str, float]] = []
    for line in metrics.splitlines():
        if line.startswith("ticketflow_knowledge_suggestion_seconds_bucket"):
            bound = line.split('le="', 1)[1].split('"', 1)[0]
            buckets.append((bound, float(line.rsplit(" ", 1)[1])))
    if not buckets:
        return "no ranking histogram"
    total = buckets[-1][1]
    over = [f"> {b} s: {total - n:.0f}" for b, n in buckets if b in ("0.02", "0.05", "0.1")]
    return f"{total:.0f} rankings; " + ", ".join(over)


async def measure_http(
    *,
    conn: asyncpg.Connection,
    schema: str,
    database_url: str,
    kafka_bootstrap: str,
    questions: Sequence[tuple[str, str]],
    seconds: float,
    concurrency: int,
) -> None:
    """Start knowledge on the filled schema, post the questions from `concurrency` clients for
    `seconds`, print p50/p95/p99, requests/s, the service's CPU per request and its RSS."""
    await conn.execute(f'ALTER SCHEMA "{schema}" RENAME TO knowledge')
    names = TopicNames(f"kbench{uuid.uuid4().hex[:8]}.")
    await ensure_topics(bootstrap_servers=kafka_bootstrap, names=names, partitions=1)
    token = secrets.token_urlsafe(24)
    logs = Path(tempfile.mkdtemp(prefix="knowledge-http-"))
    service = ServiceProcess(
        "knowledge",
        {
            "KNOWLEDGE_DATABASE_URL": database_url,
            "KNOWLEDGE_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "KNOWLEDGE_API_TOKEN": token,
            "KNOWLEDGE_TOPIC_PREFIX": names.prefix,
            "KNOWLEDGE_HTTP_PORT": str(port := free_port()),
            "KNOWLEDGE_LOG_LEVEL": "WARNING",
        },
        port,
        logs / "knowledge.log",
    )
    try:
        await service.start()
        await service.wait_ready()
        await _post_questions(service, token, questions, seconds, concurrency)
    finally:
        await service.terminate()
        await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)
        await conn.execute(f'ALTER SCHEMA knowledge RENAME TO "{schema}"')


async def _post_questions(
    service: ServiceProcess,
    token: str,
    questions: Sequence[tuple[str, str]],
    seconds: float,
    concurrency: int,
) -> None:
    assert service.process is not None
    pid = service.process.pid
    latencies: list[float] = []
    failures = 0
    headers = {"Authorization": f"Bearer {token}"}
    # The lean client of bench/http_load.py (pre-encoded requests, kept-alive connections): on
    # a 2-core machine, httpx's own milliseconds per request would be measured as the service's.
    url = f"{service.url}/suggestions"
    requests = [
        encode_post(url, {"subject": text[:500], "language": language}, headers)
        for text, language in questions
    ]
    connections = Connections("127.0.0.1", service.port, concurrency)
    try:
        for request in requests[:50]:  # warm up: jieba, caches, prepared statements
            await connections.exchange(request)
        started = time.perf_counter()
        cpu_before, ticks_before = cpu_seconds(pid), host_ticks()
        next_question = iter(range(10**9))

        async def client() -> None:
            nonlocal failures
            while time.perf_counter() - started < seconds:
                request = requests[next(next_question) % len(requests)]
                before = time.perf_counter()
                status, _ = await connections.exchange(request)
                latencies.append(time.perf_counter() - before)
                failures += status != 200

        await asyncio.gather(*(client() for _ in range(concurrency)))
        wall = time.perf_counter() - started
        cpu_after, ticks_after = cpu_seconds(pid), host_ticks()
    finally:
        connections.close()
    async with httpx.AsyncClient(base_url=service.url, timeout=10) as http:
        metrics = (await http.get("/metrics")).text
    ms = [x * 1000 for x in latencies]
    n = len(ms)
    print(f"\nPOST /suggestions over HTTP, {concurrency} clients: {n} requests in {wall:.1f} s")
    print(
        f"  latency ms: p50 {percentile(ms, 0.5):.1f}  p95 {percentile(ms, 0.95):.1f}"
        f"  p99 {percentile(ms, 0.99):.1f}  max {max(ms):.1f}  mean {statistics.fmean(ms):.1f}"
    )
    print(f"  throughput: {n / wall:,.0f} requests/s; {failures} not 200")
    if cpu_before is not None and cpu_after is not None:
        print(f"  service CPU per request: {(cpu_after - cpu_before) / n * 1000:.2f} ms")
    memory = memory_kib(pid)
    if memory:
        print(f"  service RSS {memory[0] / 1024:.0f} MiB (peak {memory[1] / 1024:.0f})")
    print(f"  inside the service: {ranking_share(metrics)}")
    steal = steal_share(ticks_before, ticks_after)
    if steal is not None:
        print(f"  CPU steal meanwhile (the host's other guests): {steal:.0%}")
    p99 = percentile(ms, 0.99)
    verdict = "meets" if p99 <= TARGET_P99_MS else "misses"
    print(f"  p99 {p99:.1f} ms {verdict} the issue-15 target of {TARGET_P99_MS:.0f} ms")
