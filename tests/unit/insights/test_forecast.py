"""Arrivals forecast: beats seasonal-naive on a weekly pattern, low on holidays, intraday."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from ticketflow_insights.domain.backtest import backtest, wape
from ticketflow_insights.domain.forecast import (
    ArrivalSeries,
    after,
    forecast_arrivals,
    intervals_per_day,
    reforecast_intraday,
    seasonal_naive,
)

HALF_HOUR = timedelta(minutes=30)
PER_DAY = 48
PER_WEEK = PER_DAY * 7
START = datetime(2026, 9, 7, tzinfo=ZoneInfo("Europe/Berlin"))  # a Monday, local midnight


def _rates(*, days: int, start: datetime, holidays: frozenset[date]) -> np.ndarray:
    """Expected arrivals: two weekday peaks (10:00, 15:00), quiet weekends and holidays."""
    rates = []
    for index in range(days * PER_DAY):
        moment = after(start, index * HALF_HOUR)
        hour = moment.hour + moment.minute / 60
        shape = (
            1.0 + 8.0 * math.exp(-((hour - 10) ** 2) / 4) + 6.0 * math.exp(-((hour - 15) ** 2) / 4)
        )
        quiet = moment.weekday() >= 5 or moment.date() in holidays
        rates.append(shape * (0.15 if quiet else 1.0))
    return np.array(rates)


def _history(*, weeks: int, seed: int, holidays: frozenset[date] = frozenset()) -> ArrivalSeries:
    """Seeded Poisson arrivals over the weekly pattern."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(_rates(days=weeks * 7, start=START, holidays=holidays))
    return ArrivalSeries(start=START, interval=HALF_HOUR, counts=tuple(float(c) for c in counts))


def _day_total(series: ArrivalSeries, day: date) -> float:
    return sum(c for s, c in zip(series.starts(), series.counts, strict=True) if s.date() == day)


def test_the_model_beats_seasonal_naive_on_a_weekly_pattern() -> None:
    result = backtest(history=_history(weeks=8, seed=14), holidays=frozenset(), folds=3)
    assert len(result.folds) == 3
    assert result.model_wape < result.baseline_wape
    assert all(fold.model_wape < fold.baseline_wape for fold in result.folds)


def test_the_horizon_is_exactly_n_weeks_of_intervals_right_after_the_history() -> None:
    history = _history(weeks=3, seed=1)
    for weeks in (1, 4):
        forecast = forecast_arrivals(history=history, holidays=frozenset(), weeks=weeks)
        assert len(forecast.counts) == weeks * PER_WEEK
        assert forecast.start == history.end()
        assert len(seasonal_naive(history=history, weeks=weeks).counts) == weeks * PER_WEEK


def test_forecasts_are_never_negative_even_on_a_falling_sparse_history() -> None:
    rng = np.random.default_rng(7)
    falling = (
        np.linspace(3.0, 0.05, 4 * PER_WEEK)
        * _rates(days=28, start=START, holidays=frozenset())
        / 5
    )
    history = ArrivalSeries(
        start=START, interval=HALF_HOUR, counts=tuple(float(c) for c in rng.poisson(falling))
    )
    forecast = forecast_arrivals(history=history, holidays=frozenset(), weeks=4)
    assert min(forecast.counts) >= 0.0


def test_a_holiday_in_the_horizon_is_forecast_like_a_quiet_day() -> None:
    history = _history(weeks=4, seed=3)
    wednesday = (history.end() + timedelta(days=2)).date()
    plain = forecast_arrivals(history=history, holidays=frozenset(), weeks=1)
    with_holiday = forecast_arrivals(history=history, holidays=frozenset({wednesday}), weeks=1)
    sunday = (history.end() + timedelta(days=6)).date()
    assert _day_total(with_holiday, wednesday) < 0.5 * _day_total(plain, wednesday)
    assert _day_total(with_holiday, wednesday) == pytest.approx(_day_total(plain, sunday), rel=0.3)


def test_a_holiday_ratio_is_learned_from_holidays_in_the_history() -> None:
    past = START.date() + timedelta(days=15)  # a Tuesday in week three
    history = _history(weeks=4, seed=5, holidays=frozenset({past}))
    coming = (history.end() + timedelta(days=1)).date()  # the next Tuesday
    forecast = forecast_arrivals(history=history, holidays=frozenset({past, coming}), weeks=1)
    ordinary = forecast_arrivals(history=history, holidays=frozenset({past}), weeks=1)
    ratio = _day_total(forecast, coming) / _day_total(ordinary, coming)
    assert 0.05 < ratio < 0.35  # the true holiday level is 0.15 of a weekday


def test_the_intraday_reforecast_moves_the_rest_of_the_day_toward_what_today_shows() -> None:
    history = _history(weeks=4, seed=9)
    today = ArrivalSeries(
        start=history.end(),
        interval=HALF_HOUR,
        counts=forecast_arrivals(history=history, holidays=frozenset(), weeks=1).counts[:PER_DAY],
    )
    morning = 24  # up to noon
    busy = [1.6 * c for c in today.counts[:morning]]
    quiet = [0.7 * c for c in today.counts[:morning]]
    up = reforecast_intraday(today=today, observed=busy)
    down = reforecast_intraday(today=today, observed=quiet)
    rest = sum(today.counts[morning:])
    assert len(up.remaining.counts) == PER_DAY - morning
    assert up.remaining.start == today.start + morning * HALF_HOUR
    assert rest < sum(up.remaining.counts) < 1.6 * rest
    assert 0.7 * rest < sum(down.remaining.counts) < rest


def test_the_intraday_ratio_is_bounded_and_damped_early() -> None:
    today = ArrivalSeries(start=START, interval=HALF_HOUR, counts=(2.0,) * PER_DAY)
    storm = reforecast_intraday(today=today, observed=[500.0] * 10)
    silence = reforecast_intraday(today=today, observed=[0.0] * 10)
    early = reforecast_intraday(today=today, observed=[3.0])  # one interval: 3 instead of 2
    assert storm.ratio == 2.0
    assert silence.ratio == 0.5
    assert 1.0 < early.ratio < 1.1
    assert min(silence.remaining.counts) >= 0.0


def test_wape_is_total_miss_over_total_volume() -> None:
    assert wape(actual=[10.0, 0.0, 10.0], predicted=[8.0, 1.0, 13.0]) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="no arrivals"):
        wape(actual=[0.0, 0.0], predicted=[1.0, 1.0])


def test_history_must_hold_two_weeks_and_an_interval_must_divide_a_day() -> None:
    with pytest.raises(ValueError, match="weeks of history"):
        forecast_arrivals(history=_history(weeks=1, seed=2), holidays=frozenset(), weeks=1)
    with pytest.raises(ValueError, match="does not divide"):
        intervals_per_day(interval=timedelta(minutes=7))
    assert intervals_per_day(interval=timedelta(minutes=15)) == 96


def test_the_model_beats_seasonal_naive_when_weekdays_differ_in_shape() -> None:
    rates = _rates(days=56, start=START, holidays=frozenset())
    index = np.arange(len(rates))
    weekday, slot = (index // PER_DAY) % 7, index % PER_DAY
    rates = (
        rates * np.where((weekday == 0) & (slot < 26), 1.6, 1.0) * np.where(weekday == 4, 0.8, 1)
    )
    counts = np.random.default_rng(3).poisson(rates)
    history = ArrivalSeries(start=START, interval=HALF_HOUR, counts=tuple(float(c) for c in counts))
    result = backtest(history=history, holidays=frozenset(), folds=3)
    assert result.model_wape < 0.9 * result.baseline_wape


def test_a_growing_history_is_forecast_to_keep_growing() -> None:
    rates = _rates(days=56, start=START, holidays=frozenset())
    rates = rates * np.power(1.05, np.arange(len(rates)) / PER_WEEK)  # +5% a week
    counts = np.random.default_rng(4).poisson(rates)
    history = ArrivalSeries(
        start=START, interval=HALF_HOUR, counts=tuple(float(c) for c in counts[: 6 * PER_WEEK])
    )
    forecast = forecast_arrivals(history=history, holidays=frozenset(), weeks=2)
    first, second = sum(forecast.counts[:PER_WEEK]), sum(forecast.counts[PER_WEEK:])
    assert second > first * 1.02
    assert first == pytest.approx(rates[6 * PER_WEEK : 7 * PER_WEEK].sum(), rel=0.06)
    assert second == pytest.approx(rates[7 * PER_WEEK :].sum(), rel=0.06)


def test_a_holiday_in_the_history_does_not_drag_down_its_weekday() -> None:
    past = START.date() + timedelta(days=15)  # a Tuesday in week three
    history = _history(weeks=4, seed=6, holidays=frozenset({past}))
    next_tuesday = (history.end() + timedelta(days=1)).date()
    declared = forecast_arrivals(history=history, holidays=frozenset({past}), weeks=1)
    undeclared = forecast_arrivals(history=history, holidays=frozenset(), weeks=1)
    truth = float(
        _rates(days=1, start=history.end() + timedelta(days=1), holidays=frozenset()).sum()
    )
    assert _day_total(undeclared, next_tuesday) < _day_total(declared, next_tuesday)
    assert _day_total(declared, next_tuesday) == pytest.approx(truth, rel=0.1)


def test_intervals_across_a_dst_change_are_distinct_instants_on_the_local_clock() -> None:
    history = _history(weeks=8, seed=8)  # 2026-10-25: Berlin falls back an hour
    instants = [moment.timestamp() for moment in history.starts()]
    assert len(set(instants)) == len(instants)
    assert instants[-1] - instants[0] == (len(instants) - 1) * HALF_HOUR.total_seconds()
    fall_back = [s for s in history.starts() if s.date() == date(2026, 10, 25)]
    assert len(fall_back) == PER_DAY + 2
    forecast = forecast_arrivals(history=history, holidays=frozenset(), weeks=1)
    assert forecast.start == history.end()
    assert forecast.start.hour == 23  # 8 weeks of real time after local midnight, an hour back


def test_intervals_that_never_saw_an_arrival_are_forecast_zero_and_the_rest_unaffected() -> None:
    rates = _rates(days=28, start=START, holidays=frozenset())
    slot = np.arange(len(rates)) % PER_DAY
    closed = (slot < 12) | (slot >= 44)  # nothing before 06:00 or from 22:00
    counts = np.random.default_rng(11).poisson(np.where(closed, 0.0, rates))
    history = ArrivalSeries(start=START, interval=HALF_HOUR, counts=tuple(float(c) for c in counts))
    forecast = np.array(forecast_arrivals(history=history, holidays=frozenset(), weeks=1).counts)
    ahead = np.arange(PER_WEEK) % PER_DAY
    night = (ahead < 12) | (ahead >= 44)
    assert np.all(forecast[night] == 0.0)
    truth = _rates(days=7, start=history.end(), holidays=frozenset())
    assert forecast[~night].sum() == pytest.approx(truth[~night].sum(), rel=0.06)
