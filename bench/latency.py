"""Percentiles of latency samples, computed the same way by every benchmark."""

from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def summarise(values_ms: Sequence[float]) -> dict[str, float | int]:
    """Count, p50, p99, p99.9 and max in milliseconds, rounded for reports."""
    if not values_ms:
        return {"n": 0}
    return {
        "n": len(values_ms),
        "p50_ms": round(percentile(values_ms, 50), 2),
        "p99_ms": round(percentile(values_ms, 99), 2),
        "p999_ms": round(percentile(values_ms, 99.9), 2),
        "max_ms": round(max(values_ms), 2),
    }
