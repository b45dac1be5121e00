"""One team's forecast run: baseline on a short history, none under a week, bands, settings."""

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from ticketflow_insights.domain.forecast import ArrivalSeries
from ticketflow_insights.domain.forecast_fit import (
    backtest_folds,
    band_of,
    fit_team,
    repeat_last_week,
    rescale_today,
)
from ticketflow_insights.settings import InsightsSettings

HOUR = timedelta(hours=1)
START = datetime(2025, 6, 2, tzinfo=UTC)  # a Monday


def series(days: int, value: float = 2.0) -> ArrivalSeries:
    counts = tuple(value + (i % 24 == 10) * 5 for i in range(days * 24))
    return ArrivalSeries(start=START, interval=HOUR, counts=counts)


def test_under_a_week_there_is_no_forecast_and_under_two_the_last_week_repeats() -> None:
    assert fit_team(history=series(6), holidays=frozenset(), weeks=2, folds=3) is None
    short = fit_team(history=series(10), holidays=frozenset(), weeks=2, folds=3)
    assert short is not None
    assert short.source == "baseline"
    assert short.accuracy is None
    assert short.history_days == 10
    assert short.band.forecast.counts == series(10).counts[-168:] * 2
    assert short.band.forecast.start == START + timedelta(days=10)


def test_folds_shrink_to_what_the_history_allows() -> None:
    assert backtest_folds(history=series(21), wanted=3) == 1
    assert backtest_folds(history=series(35), wanted=3) == 3
    fit = fit_team(history=series(21), holidays=frozenset(), weeks=1, folds=3)
    assert fit is not None
    assert fit.source == "model"
    assert fit.accuracy is not None
    assert len(fit.accuracy.folds) == 1


def test_a_history_without_arrivals_in_its_scored_weeks_has_no_wape() -> None:
    silent = ArrivalSeries(start=START, interval=HOUR, counts=(1.0,) * 24 * 14 + (0.0,) * 24 * 7)
    fit = fit_team(history=silent, holidays=frozenset(), weeks=1, folds=1)
    assert fit is not None
    assert fit.accuracy is None
    assert min(fit.band.forecast.counts) >= 0


def test_the_band_holds_the_expected_count_and_is_zero_at_zero() -> None:
    band = band_of(ArrivalSeries(start=START, interval=HOUR, counts=(0.0, 0.3, 5.0, 40.0)))
    assert band.lower[0] == band.upper[0] == 0.0
    assert all(
        lo <= mean <= hi
        for lo, mean, hi in zip(band.lower, (0, 0.3, 5, 40), band.upper, strict=True)
    )
    assert band.upper[3] - band.lower[3] > band.upper[2] - band.lower[2]


def test_rescaling_today_covers_only_the_next_intervals_asked_for() -> None:
    today = ArrivalSeries(start=START, interval=HOUR, counts=(2.0,) * 24)
    band, ratio = rescale_today(today=today, observed=[6.0] * 10, limit=4)
    assert band.forecast.start == START + 10 * HOUR
    assert len(band.forecast.counts) == 4
    assert ratio == 2.0
    assert band.forecast.counts == (4.0,) * 4


def test_repeat_last_week_needs_a_week() -> None:
    with pytest.raises(ValueError, match="a week"):
        repeat_last_week(history=series(5), weeks=1)


def settings(intervals: list[int]) -> InsightsSettings:
    return InsightsSettings(
        database_url="postgresql://x/y",
        kafka_bootstrap_servers="k:9092",
        api_token=secrets.token_urlsafe(24),
        forecast_intervals=intervals,
    )


def test_the_settings_refuse_an_interval_the_forecasts_table_cannot_hold() -> None:
    assert settings([60, 15, 60]).forecast_intervals == [15, 60]
    with pytest.raises(ValidationError, match="15, 30 or 60"):
        settings([45])
