"""Page latency of the console with a realistic load of open tickets.

Run: `uv run python -m bench.console_pages [--open 10000] [--mine 200] [--requests 200]`
(`make bench-console`). Starts intake, routing, sla, identity and the console (fresh database,
own topics). Seeds `--open` open tickets in SQL straight into the console's queue read model
(`console.queue_tickets`, the projection its consumer keeps; the bus is not replayed), `--mine`
of them the signed-in agent's and the rest spread over 50 other agents of the same team, with
due clocks spread over the next days; files a few real tickets through intake's API (routed to
the agent by routing) for the ticket page, which reads live from intake, sla and routing. Then
GETs each page with a bounded closed loop (`--concurrency` clients, `--requests` per page) with
the session cookie, and prints p50/p99 per page (goal: p99 <= 100 ms).
"""

import argparse
import asyncio
import json
import time
import uuid

import asyncpg
import httpx

from bench.console_live import file_ticket
from bench.console_system import ConsoleUnderTest, console_system, signed_in
from bench.latency import summarise
from tests.polling import eventually

SEED = """
INSERT INTO console.queue_tickets (ticket_id, subject, status, is_open, priority, priority_rank,
    owner_agent_id, team, version, next_due_at, next_metric, next_breached, created_at, changed_at)
SELECT gen_random_uuid(), 'Seeded ticket ' || i, 'open', true,
       (ARRAY['urgent', 'high', 'normal', 'low'])[i % 4 + 1], i % 4,
       CASE WHEN i <= $2 THEN $3::uuid ELSE ($4::uuid[])[i % 50 + 1] END, 'network', 1,
       CASE WHEN i % 10 = 0 THEN NULL ELSE now() + make_interval(mins => (i * 7) % 5000 - 60) END,
       'resolution', (i * 7) % 5000 < 60, now() - make_interval(secs => i), now()
FROM generate_series(1, $1) AS i
"""


async def seed(console: ConsoleUnderTest, *, open_tickets: int, mine: int) -> None:
    others = [uuid.uuid4() for _ in range(50)]
    conn = await asyncpg.connect(console.system.database_url)
    try:
        await conn.execute(SEED, open_tickets, mine, uuid.UUID(console.agent_id), others)
        await conn.execute("ANALYZE console.queue_tickets")
    finally:
        await conn.close()


async def load(
    http: httpx.AsyncClient, path: str, *, requests: int, concurrency: int
) -> dict[str, object]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    remaining = iter(range(requests))

    async def client() -> None:
        for _ in remaining:
            started = time.monotonic()
            answer = await http.get(path)
            latencies.append((time.monotonic() - started) * 1000)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    await http.get(path)  # warm-up
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return {"path": path, "statuses": statuses, **summarise(latencies)}


async def measure(args: argparse.Namespace) -> list[dict[str, object]]:
    async with console_system(capacity=args.mine + 10) as console, httpx.AsyncClient() as intake:
        filed = [await file_ticket(console, intake, n) for n in range(3)]
        await seed(console, open_tickets=args.open, mine=args.mine)
        http = await signed_in(console)

        async def routed() -> bool:
            conn = await asyncpg.connect(console.system.database_url)
            try:
                owned = await conn.fetchval(
                    "SELECT count(*) FROM console.queue_tickets"
                    " WHERE ticket_id = ANY($1::uuid[]) AND owner_agent_id = $2",
                    filed, uuid.UUID(console.agent_id),
                )  # fmt: skip
            finally:
                await conn.close()
            return bool(owned == len(filed))

        await eventually(routed, what="the filed tickets in the agent's queue", within=30)
        pages = ["/queue", "/queue?page=1", f"/tickets/{filed[0]}"]
        results = [
            await load(http, p, requests=args.requests, concurrency=args.concurrency) for p in pages
        ]
        await http.aclose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--mine", type=int, default=200)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    for row in asyncio.run(measure(args)):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
