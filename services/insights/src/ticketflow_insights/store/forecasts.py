"""Arrivals history per team, the holiday calendar, and the forecasts and their accuracy."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg

from ticketflow_insights.domain.forecast_fit import ForecastBand, ForecastSource


@dataclass(frozen=True)
class HolidayCalendar:
    """The zone the forecasts' days are local to, and the days the desk is closed."""

    time_zone: ZoneInfo
    holidays: frozenset[date]


async def holiday_calendar(*, conn: asyncpg.Connection, name: str) -> HolidayCalendar:
    """The named calendar; UTC and no holidays while it is unknown or archived."""
    row = await conn.fetchrow(
        "SELECT time_zone, holidays FROM calendars WHERE name = $1 AND NOT archived", name
    )
    if row is None:
        return HolidayCalendar(time_zone=ZoneInfo("UTC"), holidays=frozenset())
    try:
        zone = ZoneInfo(row["time_zone"])
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return HolidayCalendar(time_zone=zone, holidays=frozenset(row["holidays"] or ()))


async def teams_with_arrivals(*, conn: asyncpg.Connection, since: datetime) -> dict[str, datetime]:
    """Each team with arrivals since `since` and its first arrival interval ever; not tickets
    without a team, nor teams routing has archived."""
    rows = await conn.fetch(
        "SELECT team, min(interval_start) AS first FROM arrivals WHERE team <> ''"
        " AND team NOT IN (SELECT team FROM teams WHERE archived)"
        " GROUP BY team HAVING max(interval_start) >= $1 ORDER BY team",
        since,
    )
    return {r["team"]: r["first"] for r in rows}


async def arrival_counts(
    *,
    conn: asyncpg.Connection,
    team: str,
    start: datetime,
    end: datetime,
    interval: timedelta,
) -> dict[datetime, int]:
    """Arrivals of every channel, category and priority summed per interval from `start`."""
    rows = await conn.fetch(
        "SELECT date_bin($4::interval, interval_start, $2) AS bin, sum(arrivals)::bigint AS n"
        " FROM arrivals WHERE team = $1 AND interval_start >= $2 AND interval_start < $3"
        " GROUP BY 1",
        team,
        start,
        end,
        interval,
    )
    return {r["bin"]: r["n"] for r in rows}


async def replace_forecasts(
    *,
    conn: asyncpg.Connection,
    team: str,
    interval_minutes: int,
    band: ForecastBand,
    source: ForecastSource,
    generated_at: datetime,
) -> int:
    """The team's rows from the band's start on become the band (a refit replaces the future)."""
    starts = band.forecast.starts()
    await conn.execute(
        "DELETE FROM forecasts WHERE team = $1 AND interval_minutes = $2 AND interval_start >= $3",
        team,
        interval_minutes,
        starts[0] if starts else band.forecast.start,
    )
    await conn.execute(
        "INSERT INTO forecasts (team, interval_minutes, interval_start, arrivals, lower, upper,"
        " source, generated_at, model_arrivals)"
        " SELECT $1, $2, s, a, l, u, $7, $8, CASE WHEN $7 = 'intraday' THEN NULL ELSE a END"
        " FROM unnest($3::timestamptz[], $4::float8[], $5::float8[], $6::float8[])"
        " AS v(s, a, l, u)",
        team,
        interval_minutes,
        starts,
        list(band.forecast.counts),
        list(band.lower),
        list(band.upper),
        source,
        generated_at,
    )
    return len(starts)


async def prune_forecasts(*, conn: asyncpg.Connection, before: datetime) -> None:
    await conn.execute("DELETE FROM forecasts WHERE interval_start < $1", before)


async def model_figures(
    *,
    conn: asyncpg.Connection,
    team: str,
    interval_minutes: int,
    start: datetime,
    end: datetime,
) -> list[tuple[datetime, float]]:
    """What the model (not a re-forecast) said for each stored interval in [start, end)."""
    rows = await conn.fetch(
        "SELECT interval_start, coalesce(model_arrivals, arrivals) AS a FROM forecasts"
        " WHERE team = $1 AND interval_minutes = $2 AND interval_start >= $3"
        " AND interval_start < $4 ORDER BY interval_start",
        team,
        interval_minutes,
        start,
        end,
    )
    return [(r["interval_start"], r["a"]) for r in rows]


async def forecast_teams(*, conn: asyncpg.Connection, interval_minutes: int) -> list[str]:
    rows = await conn.fetch(
        "SELECT DISTINCT team FROM forecasts WHERE interval_minutes = $1 ORDER BY team",
        interval_minutes,
    )
    return [r["team"] for r in rows]


async def rescale_forecasts(
    *,
    conn: asyncpg.Connection,
    team: str,
    interval_minutes: int,
    band: ForecastBand,
    generated_at: datetime,
) -> int:
    """The band's intervals become intraday figures; the model's figure is kept beside them."""
    status: str = await conn.execute(
        "UPDATE forecasts f SET arrivals = v.a, lower = v.l, upper = v.u, source = 'intraday',"
        " generated_at = $7, model_arrivals = coalesce(f.model_arrivals, f.arrivals)"
        " FROM unnest($3::timestamptz[], $4::float8[], $5::float8[], $6::float8[])"
        " AS v(s, a, l, u)"
        " WHERE f.team = $1 AND f.interval_minutes = $2 AND f.interval_start = v.s",
        team,
        interval_minutes,
        band.forecast.starts(),
        list(band.forecast.counts),
        list(band.lower),
        list(band.upper),
        generated_at,
    )
    return int(status.split()[-1])


async def save_accuracy(
    *,
    conn: asyncpg.Connection,
    team: str,
    interval_minutes: int,
    model_wape: float | None,
    baseline_wape: float | None,
    folds: int,
    history_days: int,
    computed_at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO forecast_accuracy (team, interval_minutes, model_wape, baseline_wape,"
        " folds, history_days, computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (team, interval_minutes) DO UPDATE SET model_wape = excluded.model_wape,"
        " baseline_wape = excluded.baseline_wape, folds = excluded.folds,"
        " history_days = excluded.history_days, computed_at = excluded.computed_at",
        team,
        interval_minutes,
        model_wape,
        baseline_wape,
        folds,
        history_days,
        computed_at,
    )


async def stored_forecasts(
    *,
    conn: asyncpg.Connection,
    team: str,
    interval_minutes: int,
    start: datetime,
    end: datetime,
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT interval_start, arrivals, lower, upper, source, generated_at FROM forecasts"
        " WHERE team = $1 AND interval_minutes = $2 AND interval_start >= $3"
        " AND interval_start < $4 ORDER BY interval_start",
        team,
        interval_minutes,
        start,
        end,
    )
    return rows


async def has_forecasts(*, conn: asyncpg.Connection, team: str, interval_minutes: int) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM forecasts WHERE team = $1 AND interval_minutes = $2)",
        team,
        interval_minutes,
    )
    return found


async def stored_accuracy(
    *, conn: asyncpg.Connection, team: str, interval_minutes: int
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT * FROM forecast_accuracy WHERE team = $1 AND interval_minutes = $2",
        team,
        interval_minutes,
    )
    return row


async def accuracy_rows(*, conn: asyncpg.Connection, interval_minutes: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT team, model_wape, baseline_wape FROM forecast_accuracy WHERE interval_minutes = $1",
        interval_minutes,
    )
    return rows


async def team_is_known(*, conn: asyncpg.Connection, team: str) -> bool:
    """A team routing told us of, or one tickets arrived for."""
    known: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM teams WHERE team = $1)"
        " OR EXISTS (SELECT 1 FROM arrivals WHERE team = $1)",
        team,
    )
    return known


async def current_figures(
    *, conn: asyncpg.Connection, interval_minutes: int, start: datetime
) -> dict[str, tuple[float | None, int]]:
    """Per team: the forecast for the interval starting at `start`, and its arrivals so far."""
    rows = await conn.fetch(
        "WITH f AS (SELECT team, arrivals FROM forecasts"
        "   WHERE interval_minutes = $1 AND interval_start = $2),"
        " a AS (SELECT team, sum(arrivals)::bigint AS n FROM arrivals"
        "   WHERE interval_start >= $2 AND interval_start < $2 + $3::interval AND team <> ''"
        "   GROUP BY team)"
        " SELECT coalesce(f.team, a.team) AS team, f.arrivals, coalesce(a.n, 0) AS n"
        " FROM f FULL JOIN a ON a.team = f.team",
        interval_minutes,
        start,
        timedelta(minutes=interval_minutes),
    )
    return {r["team"]: (r["arrivals"], r["n"]) for r in rows}
