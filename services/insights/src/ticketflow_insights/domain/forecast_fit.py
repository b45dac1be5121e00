"""One team's forecast run: model (or baseline on a short history), bounds and backtest.

Pure and CPU-bound: the command runs it in a thread, never on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
from scipy.stats import poisson  # type: ignore[import-untyped]

from ticketflow_insights.domain.backtest import BacktestResult, backtest
from ticketflow_insights.domain.forecast import (
    DAYS_PER_WEEK,
    MIN_HISTORY_WEEKS,
    ArrivalSeries,
    forecast_arrivals,
    intervals_per_day,
    reforecast_intraday,
)

ForecastSource = Literal["model", "intraday", "baseline"]
BOUND_QUANTILES = (0.05, 0.95)
"""The band shown around each figure: where 90% of Poisson arrivals at that rate fall."""


@dataclass(frozen=True)
class ForecastBand:
    """A forecast with its lower and upper bound per interval."""

    forecast: ArrivalSeries
    lower: tuple[float, ...]
    upper: tuple[float, ...]


@dataclass(frozen=True)
class TeamFit:
    """What a refresh stores for one team and interval length."""

    band: ForecastBand
    source: ForecastSource
    accuracy: BacktestResult | None
    history_days: int


def band_of(forecast: ArrivalSeries) -> ForecastBand:
    """Poisson quantiles around each expected count (the model's own noise, not its error)."""
    means = np.asarray(forecast.counts, dtype=np.float64)
    low, high = BOUND_QUANTILES
    return ForecastBand(
        forecast=forecast,
        lower=tuple(float(v) for v in poisson.ppf(low, means)),
        upper=tuple(float(v) for v in poisson.ppf(high, means)),
    )


def repeat_last_week(*, history: ArrivalSeries, weeks: int) -> ArrivalSeries:
    """Seasonal-naive for a team with one to two weeks of history: too little to fit a model."""
    per_week = intervals_per_day(interval=history.interval) * DAYS_PER_WEEK
    if len(history.counts) < per_week or weeks < 1:
        raise ValueError("need a week of history")
    last_week = history.counts[-per_week:]
    return ArrivalSeries(start=history.end(), interval=history.interval, counts=last_week * weeks)


def backtest_folds(*, history: ArrivalSeries, wanted: int) -> int:
    """How many one-week folds fit while each still trains on the minimum history."""
    per_week = intervals_per_day(interval=history.interval) * DAYS_PER_WEEK
    return min(wanted, len(history.counts) // per_week - MIN_HISTORY_WEEKS)


def fit_team(
    *, history: ArrivalSeries, holidays: frozenset[date], weeks: int, folds: int
) -> TeamFit | None:
    """Model forecast and its backtest; the last week repeated if under two weeks; None under
    one. A backtest whose weeks hold no arrivals has no WAPE (None)."""
    per_day = intervals_per_day(interval=history.interval)
    history_days = len(history.counts) // per_day
    if history_days < MIN_HISTORY_WEEKS * DAYS_PER_WEEK:
        if history_days < DAYS_PER_WEEK:
            return None
        forecast = repeat_last_week(history=history, weeks=weeks)
        return TeamFit(
            band=band_of(forecast), source="baseline", accuracy=None, history_days=history_days
        )
    forecast = forecast_arrivals(history=history, holidays=holidays, weeks=weeks)
    accuracy = None
    usable_folds = backtest_folds(history=history, wanted=folds)
    if usable_folds >= 1:
        try:
            accuracy = backtest(history=history, holidays=holidays, folds=usable_folds)
        except ValueError:  # no arrivals in the weeks scored
            accuracy = None
    return TeamFit(
        band=band_of(forecast), source="model", accuracy=accuracy, history_days=history_days
    )


def rescale_today(
    *, today: ArrivalSeries, observed: list[float], limit: int
) -> tuple[ForecastBand, float]:
    """The next `limit` intervals of today, rescaled by today's arrivals so far; and the ratio."""
    result = reforecast_intraday(today=today, observed=observed)
    rest = result.remaining
    ahead = ArrivalSeries(start=rest.start, interval=rest.interval, counts=rest.counts[:limit])
    return band_of(ahead), result.ratio
