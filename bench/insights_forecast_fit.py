"""How long one team's forecast refit takes (fit + rolling backtest), per interval length.

Run: `uv run python -m bench.insights_forecast_fit [weeks_of_history]`. Pure CPU, no infra:
seeded Poisson arrivals with a weekly pattern, the same `fit_team` the refit worker runs in
its thread (one BLAS thread). Prints seconds per team and the backtest WAPEs, and writes
`bench-results/insights_forecast_fit.json`.
"""

import json
import math
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from ticketflow_insights.domain.forecast import ArrivalSeries
from ticketflow_insights.domain.forecast_fit import fit_team

START = datetime(2025, 3, 3, tzinfo=UTC)  # a Monday


def history(*, weeks: int, minutes: int, seed: int) -> ArrivalSeries:
    """Weekday peaks at 10:00 and 15:00, weekends at 15%, about 300 tickets a weekday."""
    per_day = 1440 // minutes
    rates = []
    for index in range(weeks * 7 * per_day):
        day, slot = divmod(index, per_day)
        hour = slot * minutes / 60
        shape = 1 + 8 * math.exp(-((hour - 10) ** 2) / 4) + 6 * math.exp(-((hour - 15) ** 2) / 4)
        rates.append(shape * minutes / 30 * (0.15 if day % 7 >= 5 else 1.0))
    counts = np.random.default_rng(seed).poisson(rates)
    return ArrivalSeries(
        start=START, interval=timedelta(minutes=minutes), counts=tuple(float(c) for c in counts)
    )


def main() -> None:
    weeks = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    results = []
    for minutes in (15, 30, 60):
        series = history(weeks=weeks, minutes=minutes, seed=minutes)
        began = time.perf_counter()
        with threadpool_limits(limits=1):
            fit = fit_team(history=series, holidays=frozenset(), weeks=4, folds=3)
        seconds = time.perf_counter() - began
        assert fit is not None
        assert fit.accuracy is not None
        row = {
            "interval_minutes": minutes,
            "history_weeks": weeks,
            "seconds_per_team": round(seconds, 3),
            "model_wape": round(fit.accuracy.model_wape, 4),
            "baseline_wape": round(fit.accuracy.baseline_wape, 4),
        }
        results.append(row)
        print(json.dumps(row))
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    (out / "insights_forecast_fit.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
