"""Sums of the 15-minute arrival buckets into longer intervals, filtered and grouped."""

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from ticketflow_insights.domain.arrivals import ARRIVAL_DIMENSIONS, ArrivalCount


async def arrival_sums(
    *,
    conn: asyncpg.Connection,
    minutes: int,
    start: datetime,
    end: datetime,
    filters: dict[str, str | None],
    teams: Sequence[str] | None,
    group_by: Sequence[str],
) -> list[ArrivalCount]:
    """Buckets starting in [start, end) summed per `minutes` interval (aligned on UTC) and per
    the `group_by` dimensions; `teams` limits to those teams when given."""
    dims = [d for d in ARRIVAL_DIMENSIONS if d in group_by]  # a fixed list: safe to name
    width = minutes * 60
    grouped = "".join(f", {d}" for d in dims)
    rows = await conn.fetch(
        f"SELECT to_timestamp(floor(extract(epoch FROM interval_start) / {width}) * {width})"
        f" AS interval_start{grouped}, sum(arrivals)::int AS arrivals FROM arrivals"
        " WHERE interval_start >= $1 AND interval_start < $2"
        " AND ($3::text IS NULL OR team = $3) AND ($4::text IS NULL OR channel = $4)"
        " AND ($5::text IS NULL OR category = $5) AND ($6::text IS NULL OR priority = $6)"
        " AND ($7::text[] IS NULL OR team = ANY($7))"
        f" GROUP BY 1{grouped} ORDER BY 1{grouped}",
        start,
        end,
        filters.get("team"),
        filters.get("channel"),
        filters.get("category"),
        filters.get("priority"),
        None if teams is None else list(teams),
    )
    return [ArrivalCount(**dict(r)) for r in rows]
