"""Insights on a fresh schema for the forecast tests; weeks of seeded weekly-pattern arrivals."""

import contextlib
import math
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import numpy as np

from tests.support.clock import MONDAY
from tests.support.harness import ServiceHarness
from tests.support.insights import insights_runtime
from ticketflow_insights.main import SPEC
from ticketflow_insights.settings import InsightsSettings

BERLIN = ZoneInfo("Europe/Berlin")
QUARTER = timedelta(minutes=15)
TODAY = datetime.combine(MONDAY.astimezone(BERLIN).date(), time(), tzinfo=BERLIN)
"""Local midnight of the suite's Monday (2025-06-02, 12:00 in Berlin at the clock's now)."""
ASCENSION = date(2025, 5, 29)  # a Thursday in the history
WHIT_MONDAY = date(2025, 6, 9)  # a Monday in the horizon


def quarter_rate(moment: datetime, *, holidays: frozenset[date]) -> float:
    """Expected arrivals per 15 minutes: weekday peaks at 10:00 and 15:00, quiet weekends."""
    local = moment.astimezone(BERLIN)
    hour = local.hour + local.minute / 60
    shape = 0.5 + 4.0 * math.exp(-((hour - 10) ** 2) / 4) + 3.0 * math.exp(-((hour - 15) ** 2) / 4)
    quiet = local.weekday() >= 5 or local.date() in holidays
    return shape * (0.15 if quiet else 1.0)


async def seed_arrivals(
    conn: asyncpg.Connection,
    *,
    team: str,
    start: datetime,
    end: datetime,
    seed: int,
    scale: float = 1.0,
    holidays: frozenset[date] = frozenset({ASCENSION}),
) -> int:
    """Poisson arrivals per 15 minutes over [start, end), split over two channels."""
    rng = np.random.default_rng(seed)
    starts: list[datetime] = []
    channels: list[str] = []
    counts: list[int] = []
    moment = start.astimezone(UTC)
    while moment < end:
        total = int(rng.poisson(scale * quarter_rate(moment, holidays=holidays)))
        email = int(rng.binomial(total, 0.6))
        for channel, n in (("email", email), ("chat", total - email)):
            if n:
                starts.append(moment)
                channels.append(channel)
                counts.append(n)
        moment += QUARTER
    await conn.execute(
        "INSERT INTO arrivals (interval_start, team, channel, priority, arrivals)"
        " SELECT s, $1, c, 'normal', n FROM unnest($2::timestamptz[], $3::text[], $4::int[])"
        " AS v(s, c, n)",
        team,
        starts,
        channels,
        counts,
    )
    return sum(counts)


async def seed_calendar(conn: asyncpg.Connection, *holidays: date) -> None:
    await conn.execute(
        "INSERT INTO calendars (name, time_zone, holidays, changed_at)"
        " VALUES ('default', 'Europe/Berlin', $1, $2)",
        list(holidays),
        MONDAY,
    )


@contextlib.asynccontextmanager
async def insights_harness(
    database_url: str, kafka_bootstrap: str
) -> AsyncIterator[ServiceHarness[InsightsSettings]]:
    """Insights' migrations in a schema of this test's own, on the suite's FakeClock."""
    async with insights_runtime(database_url, kafka_bootstrap, max_size=4) as made:
        yield ServiceHarness(spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema)
