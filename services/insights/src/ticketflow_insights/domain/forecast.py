"""Arrivals forecast per interval: daily and weekly seasonality, trend, holidays (Poisson GLM).

Pure: it takes counts and dates and returns numbers; the caller reads the stream and the clock.
Timestamps are the team's local wall-clock times (tz-aware), so a day's intervals share a date.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt
from statsmodels.genmod.families import Poisson
from statsmodels.genmod.generalized_linear_model import GLM
from threadpoolctl import threadpool_limits

FloatArray = npt.NDArray[np.float64]

DAYS_PER_WEEK = 7
MIN_HISTORY_WEEKS = 2
WEEKDAY_PROFILE, SATURDAY_PROFILE, SUNDAY_PROFILE = 0, 1, 2
PROFILES = 3
TREND_BOUNDS = (0.8, 1.25)
MAX_LOG_RATE = 20.0
INTRADAY_RATIO_BOUNDS = (0.5, 2.0)
INTRADAY_PRIOR_ARRIVALS = 10.0


@dataclass(frozen=True)
class ArrivalSeries:
    """Counts per fixed interval from `start`: a team's history, or a forecast of its future."""

    start: datetime
    interval: timedelta
    counts: tuple[float, ...]

    def starts(self) -> list[datetime]:
        """Each interval's start, so callers can label and join without recomputing."""
        return [after(self.start, i * self.interval) for i in range(len(self.counts))]

    def end(self) -> datetime:
        """The start of the interval after the last one: where a forecast of it begins."""
        return after(self.start, len(self.counts) * self.interval)


@dataclass(frozen=True)
class IntradayReforecast:
    """The rest of today rescaled by what today shows, with the ratio used (for display)."""

    remaining: ArrivalSeries
    ratio: float
    observed_so_far: float
    forecast_so_far: float


def after(moment: datetime, elapsed: timedelta) -> datetime:
    """`moment` plus real elapsed time, in its own zone: across a DST change a day has 46 or 50
    half-hours, and no two intervals share an instant (wall-clock `+` would give both)."""
    return (moment.astimezone(UTC) + elapsed).astimezone(moment.tzinfo)


def intervals_per_day(*, interval: timedelta) -> int:
    """How many intervals make a day; the interval must divide a day evenly."""
    per_day, remainder = divmod(timedelta(days=1), interval)
    if remainder or per_day < 1:
        raise ValueError(f"interval {interval} does not divide a day")
    return int(per_day)


def _check_history(*, history: ArrivalSeries) -> int:
    """Per-day count, after making sure there are enough whole weeks to learn a weekly pattern."""
    per_day = intervals_per_day(interval=history.interval)
    if len(history.counts) < MIN_HISTORY_WEEKS * DAYS_PER_WEEK * per_day:
        raise ValueError(f"need at least {MIN_HISTORY_WEEKS} weeks of history")
    return per_day


def _tile_cycle(*, cycle: FloatArray, length: int) -> FloatArray:
    """A cycle repeated over the horizon (the horizon starts right after the history)."""
    repeats = math.ceil(length / len(cycle))
    return np.tile(cycle, repeats)[:length]


def _day_type(*, moment: datetime, holidays: frozenset[date]) -> int:
    """Which intraday profile a day follows: weekday, Saturday, or Sunday (holidays too)."""
    if moment.date() in holidays:
        return SUNDAY_PROFILE
    return min(max(moment.weekday() - 4, WEEKDAY_PROFILE), SUNDAY_PROFILE)


def _design(
    *,
    first_index: int,
    series: ArrivalSeries,
    holidays: frozenset[date],
    per_day: int,
    with_holiday_column: bool,
) -> FloatArray:
    """Dummies: time of day x day type, weekday level (Tue-Fri vs Mon), log-linear trend, holiday.

    Columns: PROFILES*per_day profile cells, 4 weekday levels, the trend in weeks since the start
    of the history, and (only if the history holds holidays) a holiday level.
    """
    starts = series.starts()
    profile_columns = PROFILES * per_day
    width = profile_columns + 4 + 1 + int(with_holiday_column)
    design = np.zeros((len(starts), width), dtype=np.float64)
    minutes_per_interval = series.interval.total_seconds() / 60
    for row, moment in enumerate(starts):
        time_of_day = int((moment.hour * 60 + moment.minute) // minutes_per_interval)
        holiday = moment.date() in holidays
        design[row, _day_type(moment=moment, holidays=holidays) * per_day + time_of_day] = 1.0
        weekday = moment.weekday()
        if not holiday and 1 <= weekday <= 4:
            design[row, profile_columns + weekday - 1] = 1.0
        design[row, profile_columns + 4] = (first_index + row) / (DAYS_PER_WEEK * per_day)
        if with_holiday_column and holiday:
            design[row, -1] = 1.0
    return design


def _rows_outside_silent_cells(
    *, train: FloatArray, counts: FloatArray, per_day: int
) -> npt.NDArray[np.bool_]:
    """Rows whose profile cell saw arrivals. A cell with none has its MLE at rate 0 (weight
    -inf): its rows tell the other weights nothing, and chasing -inf tripled the IRLS
    iterations. Dropped, the cell is unseen and forecast 0, as the MLE would have it."""
    profile = train[:, : PROFILES * per_day]
    silent = (profile.sum(axis=0) > 0) & (counts @ profile == 0)
    keep: npt.NDArray[np.bool_] = profile[:, silent].sum(axis=1) == 0
    return keep


def forecast_arrivals(
    *, history: ArrivalSeries, holidays: frozenset[date], weeks: int
) -> ArrivalSeries:
    """Forecast `weeks` whole weeks of intervals after the history with a Poisson GLM on dummies.

    log(expected arrivals) = intraday profile of the day type (weekday / Saturday / Sunday)
    + weekday level + trend in weeks + holiday level. Multiplicative, as arrivals are: a quiet
    Sunday is the weekday shape scaled down, and pooling Mon-Fri into one profile gives each
    half-hour five times the data a per-slot average would. A holiday follows the Sunday profile,
    scaled by a holiday level when the history holds holidays to learn it from. The trend is
    a weekly growth factor capped to TREND_BOUNDS, so a short or odd history cannot run away.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    per_day = _check_history(history=history)
    steps = weeks * per_day * DAYS_PER_WEEK
    counts = np.asarray(history.counts, dtype=np.float64)
    learns_holidays = any(moment.date() in holidays for moment in history.starts())
    future = ArrivalSeries(start=history.end(), interval=history.interval, counts=(0.0,) * steps)
    train, ahead = (
        _design(
            first_index=first_index,
            series=series,
            holidays=holidays,
            per_day=per_day,
            with_holiday_column=learns_holidays,
        )
        for first_index, series in ((0, history), (len(counts), future))
    )

    learned_rows = _rows_outside_silent_cells(train=train, counts=counts, per_day=per_day)
    train, counts = train[learned_rows], counts[learned_rows]
    observed_columns = train.sum(axis=0) > 0  # cells the history has rows for (else singular)
    # One BLAS thread: a few thousand rows gain nothing from more, and an oversubscribed pool
    # (more threads than the container's cores) made this fit 20x slower.
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")  # sparse cells can still push a weight far down
        fitted = GLM(counts, train[:, observed_columns], family=Poisson()).fit()
    params = np.asarray(fitted.params, dtype=np.float64)
    trend_column = PROFILES * per_day + 4
    trend_at = int(observed_columns[:trend_column].sum())
    low, high = TREND_BOUNDS
    params[trend_at] = min(max(params[trend_at], math.log(low)), math.log(high))
    linear = ahead[:, observed_columns] @ params
    unseen_profile = ahead[:, :trend_column][:, ~observed_columns[:trend_column]].sum(axis=1) > 0
    values = np.where(unseen_profile, 0.0, np.exp(np.minimum(linear, MAX_LOG_RATE)))
    return ArrivalSeries(
        start=future.start, interval=history.interval, counts=tuple(float(v) for v in values)
    )


def seasonal_naive(*, history: ArrivalSeries, weeks: int) -> ArrivalSeries:
    """The baseline any model must beat: each interval as it was one week earlier."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    per_week = _check_history(history=history) * DAYS_PER_WEEK
    last_week = np.asarray(history.counts[-per_week:], dtype=np.float64)
    values = _tile_cycle(cycle=last_week, length=weeks * per_week)
    return ArrivalSeries(
        start=history.end(), interval=history.interval, counts=tuple(float(v) for v in values)
    )


def reforecast_intraday(*, today: ArrivalSeries, observed: Sequence[float]) -> IntradayReforecast:
    """Scale the rest of today's forecast by today's arrivals so far against the forecast so far.

    `today` is the day's forecast; `observed` the counts of its first len(observed) intervals.
    ratio = (observed + P) / (forecast + P), with P = INTRADAY_PRIOR_ARRIVALS pseudo-arrivals on
    both sides, so an early morning with three tickets instead of one moves little while a
    sustained surplus moves a lot; then bounded to INTRADAY_RATIO_BOUNDS (x0.5 to x2) so one odd
    hour (a burst of duplicates, an outage storm) cannot zero or explode the afternoon.
    """
    elapsed = len(observed)
    if elapsed > len(today.counts):
        raise ValueError("more observed intervals than the day has")
    observed_total = float(sum(observed))
    forecast_total = float(sum(today.counts[:elapsed]))
    low, high = INTRADAY_RATIO_BOUNDS
    raw = (observed_total + INTRADAY_PRIOR_ARRIVALS) / (forecast_total + INTRADAY_PRIOR_ARRIVALS)
    ratio = min(max(raw, low), high)
    remaining = ArrivalSeries(
        start=after(today.start, elapsed * today.interval),
        interval=today.interval,
        counts=tuple(max(0.0, value * ratio) for value in today.counts[elapsed:]),
    )
    return IntradayReforecast(
        remaining=remaining,
        ratio=ratio,
        observed_so_far=observed_total,
        forecast_so_far=forecast_total,
    )
