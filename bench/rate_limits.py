"""Benchmark: the shared rate-limit take (one SQL statement) per second, on one hot key and on
many keys, from `--connections` concurrent connections.

Run: `uv run python -m bench.rate_limits` (uses the infra in .local/env, or the TICKETFLOW_*
variables); works in a scratch database. The HTTP cost is measured by bench.intake_post_tickets.
"""

import argparse
import asyncio
import time
from datetime import UTC, datetime

import asyncpg

from bench.infra import bench_infra
from tests.conftest import fresh_database
from ticketflow_common.db import create_pool
from ticketflow_common.migrations import apply_migrations, load_migrations
from ticketflow_common.rate_limit import RatePolicy
from ticketflow_common.rate_limit_store import Gate, take

POLICY = RatePolicy.per_second("api-key", rate=1_000_000, burst=1_000_000)
GATE = Gate(policy=RatePolicy(name="failed-auth", quota=10, window_seconds=60), subject="::1")


async def takes_per_second(
    pool: asyncpg.Pool, *, connections: int, keys: int, seconds: float
) -> float:
    """Closed loop: each connection takes as soon as its last take answered."""
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + seconds
    done = 0

    async def worker(n: int) -> None:
        nonlocal done
        async with pool.acquire() as conn:
            i = n
            while loop.time() < stop_at:
                i += connections
                await take(
                    conn=conn,
                    policy=POLICY,
                    subject=f"k{i % keys}",
                    now=datetime.now(UTC),
                    gate=GATE,
                )
                done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(connections)))
    return done / (time.perf_counter() - started)


async def main(seconds: float, connections: int) -> None:
    async with fresh_database(bench_infra()) as database_url:
        pool = await create_pool(dsn=database_url, schema="bench", max_size=connections)
        try:
            async with pool.acquire() as conn:
                migrations = load_migrations("ticketflow_common", label="common")
                await apply_migrations(conn=conn, schema="bench", migrations=migrations)
            for keys in (1, 10_000):
                rate = await takes_per_second(
                    pool, connections=connections, keys=keys, seconds=seconds
                )
                print(f"{connections} connections, {keys} keys: {rate:,.0f} takes/s")
        finally:
            await pool.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.connections))
