"""A report's plots as inline SVG, drawn by matplotlib's SVG backend (no display, no files)."""

import io
import re
import threading
from typing import Any

import matplotlib as mpl
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from ticketflow_insights.domain.reports import ReportDocument, ReportLine

HOUR = 3600.0
SVG_RC: dict[Any, Any] = {"svg.fonttype": "none", "svg.hashsalt": "ticketflow", "font.size": 9}
"""Text stays text (the browser's fonts render any script) and ids are stable."""
_DRAWING = threading.Lock()
"""rcParams are global: one drawing at a time, whichever thread draws."""
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def svg_of(figure: Figure) -> str:
    """The figure as an `<svg>` element to inline in HTML (no XML prologue, no timestamp)."""
    buffer = io.StringIO()
    FigureCanvasSVG(figure)  # the SVG backend draws it: no display, no GUI toolkit
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _PROLOGUE.sub("", buffer.getvalue(), count=1)


def cycle_time_svg(document: ReportDocument) -> str:
    """Median resolution per week, in hours, against the baseline, the target and the
    benchmark."""
    trend = document.cycle_time
    with _DRAWING, mpl.rc_context(SVG_RC):
        figure = Figure(figsize=(7.0, 3.2))
        axes = figure.add_subplot()
        labels = [w.week_start.strftime("%m-%d") for w in trend.weeks]
        hours = [
            float("nan") if w.resolution_p50_seconds is None else w.resolution_p50_seconds / HOUR
            for w in trend.weeks
        ]
        axes.plot(labels, hours, marker="o", color="#1f77b4", label="median resolution")
        for seconds, label, style in (
            (trend.baseline_seconds, "baseline", "--"),
            (trend.target_seconds, f"target (-{trend.reduction_target:.0%})", "-"),
            (trend.benchmark_seconds, "benchmark", ":"),
        ):
            axes.axhline(seconds / HOUR, linestyle=style, color="#555555", linewidth=1)
            axes.annotate(label, (1, seconds / HOUR), xytext=(-2, 2), textcoords="offset points",
                          xycoords=("axes fraction", "data"), fontsize=8, ha="right")  # fmt: skip
        axes.set_ylabel("hours")
        axes.set_xlabel("week starting")
        axes.set_ylim(bottom=0)
        axes.set_title("Cycle time by week")
        axes.legend(loc="lower left", fontsize=8)
        figure.tight_layout()
        return svg_of(figure)


def _attainment(line: ReportLine) -> float | None:
    """Value as a share of its target, 1 meaning on target, above 1 better, whichever way the
    figure counts."""
    if line.value is None or line.target is None or line.target == 0:
        return None
    if line.better == "higher":
        return line.value / line.target
    return line.target / line.value if line.value > 0 else 2.0


def figures_svg(document: ReportDocument) -> str:
    """Each targeted figure's attainment of its target (1 = on target), this period and the
    previous one."""
    lines = [f for f in document.figures if f.target is not None]
    with _DRAWING, mpl.rc_context(SVG_RC):
        figure = Figure(figsize=(7.0, 0.45 * len(lines) + 1.2))
        axes = figure.add_subplot()
        rows = list(range(len(lines)))
        now = [min(_attainment(f) or 0.0, 2.0) for f in lines]
        before = [
            min(_attainment(f.model_copy(update={"value": f.previous})) or 0.0, 2.0) for f in lines
        ]
        colours = ["#2ca02c" if f.met else "#d62728" for f in lines]
        axes.barh([r + 0.2 for r in rows], now, height=0.4, color=colours, label="this period")
        axes.barh([r - 0.2 for r in rows], before, height=0.4, color="#bbbbbb", label="previous")
        axes.axvline(1.0, color="#333333", linewidth=1)
        axes.set_yticks(rows, [f.label for f in lines])
        axes.invert_yaxis()
        axes.set_xlim(0, 2)
        axes.set_xlabel("share of target (1 = on target, right is better)")
        axes.set_title("Figures against targets")
        axes.legend(loc="lower right", fontsize=8)
        figure.tight_layout()
        return svg_of(figure)
