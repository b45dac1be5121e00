"""Rolling-origin backtest of the arrivals forecast against the seasonal-naive baseline (WAPE)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ticketflow_insights.domain.forecast import (
    DAYS_PER_WEEK,
    MIN_HISTORY_WEEKS,
    ArrivalSeries,
    forecast_arrivals,
    intervals_per_day,
    seasonal_naive,
)


@dataclass(frozen=True)
class BacktestFold:
    """One origin: where training stopped and how each forecaster did on the week(s) after."""

    origin: datetime
    model_wape: float
    baseline_wape: float


@dataclass(frozen=True)
class BacktestResult:
    """Pooled WAPE over every fold (sum of errors over sum of actuals), and each fold's own."""

    model_wape: float
    baseline_wape: float
    folds: tuple[BacktestFold, ...]


def wape(*, actual: Sequence[float], predicted: Sequence[float]) -> float:
    """Weighted absolute percentage error: total miss over total volume (zeros are fine)."""
    if len(actual) != len(predicted):
        raise ValueError("actual and predicted differ in length")
    volume = sum(actual)
    if volume <= 0:
        raise ValueError("no arrivals to measure against")
    return sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / volume


def backtest(
    *,
    history: ArrivalSeries,
    holidays: frozenset[date],
    horizon_weeks: int = 1,
    folds: int = 3,
) -> BacktestResult:
    """Refit at `folds` origins, a horizon apart; score model and baseline on what came next."""
    per_week = intervals_per_day(interval=history.interval) * DAYS_PER_WEEK
    horizon = horizon_weeks * per_week
    first_origin = len(history.counts) - folds * horizon
    if folds < 1 or first_origin < MIN_HISTORY_WEEKS * per_week:
        raise ValueError("history too short for that many folds")
    results: list[BacktestFold] = []
    actual_all: list[float] = []
    model_all: list[float] = []
    baseline_all: list[float] = []
    for fold in range(folds):
        origin = first_origin + fold * horizon
        train = ArrivalSeries(
            start=history.start, interval=history.interval, counts=history.counts[:origin]
        )
        actual = list(history.counts[origin : origin + horizon])
        model = forecast_arrivals(history=train, holidays=holidays, weeks=horizon_weeks).counts
        baseline = seasonal_naive(history=train, weeks=horizon_weeks).counts
        results.append(
            BacktestFold(
                origin=train.end(),
                model_wape=wape(actual=actual, predicted=model),
                baseline_wape=wape(actual=actual, predicted=baseline),
            )
        )
        actual_all.extend(actual)
        model_all.extend(model)
        baseline_all.extend(baseline)
    return BacktestResult(
        model_wape=wape(actual=actual_all, predicted=model_all),
        baseline_wape=wape(actual=actual_all, predicted=baseline_all),
        folds=tuple(results),
    )
