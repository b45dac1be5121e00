"""The staffing chart's geometry, computed here so the page draws plain SVG without scripts:
a bar per interval for the agents scheduled, a line for the agents the forecast requires."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH = 720
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 40
"""Margins around the plot: room for the agent axis (left) and the time axis (bottom)."""


@dataclass(frozen=True)
class ChartInterval:
    """One interval of a staffing plan: when it starts, who is scheduled, who is required
    (None where there is no forecast)."""

    starts_at: datetime
    scheduled: int
    required: int | None


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    interval: ChartInterval


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class StaffingChart:
    """Everything the SVG needs, in its own coordinates (`width` by `height`)."""

    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    bars: tuple[Bar, ...]
    required_lines: tuple[str, ...]
    """SVG `points` of each run of intervals with a requirement (a gap breaks the line)."""
    agent_ticks: tuple[Tick, ...]
    time_ticks: tuple[Tick, ...]
    top_value: int


def staffing_chart(
    intervals: Sequence[ChartInterval],
    *,
    label_of: Callable[[datetime], str],
    width: int = WIDTH,
    height: int = HEIGHT,
    time_labels: int = 6,
) -> StaffingChart:
    """Bars and line scaled so the highest of scheduled and required fits under a round top."""
    plot_w = width - LEFT - RIGHT
    plot_h = height - TOP - BOTTOM
    highest = max((max(i.scheduled, i.required or 0) for i in intervals), default=0)
    step = tick_step(highest)
    top = max(step, math.ceil(highest / step) * step)
    slot = plot_w / len(intervals) if intervals else plot_w
    bar_w = slot * 0.7

    def y_of(value: float) -> float:
        return round(TOP + plot_h - plot_h * value / top, 2)

    bars = tuple(
        Bar(
            x=round(LEFT + slot * n + (slot - bar_w) / 2, 2),
            y=y_of(i.scheduled),
            width=round(bar_w, 2),
            height=round(TOP + plot_h - y_of(i.scheduled), 2),
            interval=i,
        )
        for n, i in enumerate(intervals)
    )
    lines: list[str] = []
    run: list[str] = []
    for n, i in enumerate(intervals):
        if i.required is None:
            if run:
                lines.append(" ".join(run))
            run = []
            continue
        run.append(f"{round(LEFT + slot * (n + 0.5), 2)},{y_of(i.required)}")
    if run:
        lines.append(" ".join(run))
    every = max(1, math.ceil(len(intervals) / time_labels))
    return StaffingChart(
        width=width,
        height=height,
        plot_left=LEFT,
        plot_right=width - RIGHT,
        plot_top=TOP,
        plot_bottom=TOP + plot_h,
        bars=bars,
        required_lines=tuple(lines),
        agent_ticks=tuple(Tick(y_of(v), str(v)) for v in range(0, top + 1, step)),
        time_ticks=tuple(
            Tick(round(LEFT + slot * (n + 0.5), 2), label_of(i.starts_at))
            for n, i in enumerate(intervals)
            if n % every == 0
        ),
        top_value=top,
    )


def tick_step(highest: int) -> int:
    """A round step giving at most about five gridlines up to `highest` (1, 2, 5, 10, 20, ...)."""
    if highest <= 5:
        return 1
    magnitude = int(10 ** int(math.log10(highest / 5)))
    for factor in (1, 2, 5, 10):
        if highest / (factor * magnitude) <= 5:
            return factor * magnitude
    return 10 * magnitude
