"""Which demo histories were seeded: their window, so a re-run regenerates the same events."""

from dataclasses import dataclass
from datetime import datetime

import asyncpg


@dataclass(frozen=True)
class DemoHistory:
    seed: int
    weeks: int
    volume: float
    starts_at: datetime
    ends_at: datetime
    events_applied: int
    completed_at: datetime | None


async def demo_history(*, conn: asyncpg.Connection, seed: int) -> DemoHistory | None:
    row = await conn.fetchrow("SELECT * FROM demo_histories WHERE seed = $1", seed)
    return DemoHistory(**dict(row)) if row is not None else None


async def begin_demo_history(
    *,
    conn: asyncpg.Connection,
    seed: int,
    weeks: int,
    volume: float,
    starts_at: datetime,
    ends_at: datetime,
) -> DemoHistory:
    """The seed's recorded window: a new one as given, or the one an earlier run began."""
    await conn.execute(
        "INSERT INTO demo_histories (seed, weeks, volume, starts_at, ends_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seed) DO NOTHING",
        seed,
        weeks,
        volume,
        starts_at,
        ends_at,
    )
    found = await demo_history(conn=conn, seed=seed)
    assert found is not None
    return found


async def add_applied_events(*, conn: asyncpg.Connection, seed: int, applied: int) -> None:
    await conn.execute(
        "UPDATE demo_histories SET events_applied = events_applied + $2 WHERE seed = $1",
        seed,
        applied,
    )


async def complete_demo_history(*, conn: asyncpg.Connection, seed: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE demo_histories SET completed_at = $2 WHERE seed = $1 AND completed_at IS NULL",
        seed,
        now,
    )
