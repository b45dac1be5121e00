"""A report as CSV (one row per figure) and as a self-contained HTML page with its plots."""

import csv
import io
from html import escape

from ticketflow_insights.domain.report_plots import cycle_time_svg, figures_svg
from ticketflow_insights.domain.reports import ReportDocument, ReportLine

NONE = "\u2013"  # an en dash where there is no figure
MINUS = "\u2212"
CSV_COLUMNS = ("name", "value", "target", "previous", "unit", "met")


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def report_csv(document: ReportDocument) -> str:
    """name,value,target,previous,unit,met: raw numbers (shares 0-1, seconds), met true/false
    or empty without a target."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in document.figures:
        met = "" if f.met is None else str(f.met).lower()
        writer.writerow(
            [f.name, _number(f.value), _number(f.target), _number(f.previous), f.unit, met]
        )
    return buffer.getvalue()


def shown(value: float | None, unit: str) -> str:
    """A figure as people read it: a percentage, a duration or a count."""
    if value is None:
        return NONE
    if unit == "share":
        return f"{value:.1%}"
    if unit == "seconds":
        if abs(value) >= 3600:
            return f"{value / 3600:.1f} h"
        return f"{value / 60:.0f} min"
    return f"{value:,.0f}"


def _change(line: ReportLine) -> str:
    if line.change is None:
        return NONE
    sign = "+" if line.change > 0 else MINUS if line.change < 0 else "±"
    if line.unit == "share":
        return f"{sign}{abs(line.change) * 100:.1f} pt"
    return sign + shown(abs(line.change), line.unit)


def _status(flag: bool | None, yes: str, no: str) -> str:
    if flag is None:
        return f'<td class="none">{NONE}</td>'
    return f'<td class="{"ok" if flag else "bad"}">{yes if flag else no}</td>'


def _figure_rows(document: ReportDocument) -> str:
    rows = []
    for f in document.figures:
        rows.append(
            "<tr>"
            f'<th scope="row">{escape(f.label)}</th>'
            f"<td>{escape(shown(f.value, f.unit))}</td>"
            f"<td>{escape(shown(f.target, f.unit))}</td>"
            f"{_status(f.met, 'met', 'missed')}"
            f"<td>{escape(shown(f.previous, f.unit))}</td>"
            f"<td>{escape(_change(f))}</td>"
            f"{_status(f.improved, 'better', 'worse')}"
            "</tr>"
        )
    return "\n".join(rows)


def _trend_summary(document: ReportDocument) -> str:
    trend = document.cycle_time
    baseline = shown(trend.baseline_seconds, "seconds")
    target = shown(trend.target_seconds, "seconds")
    goal = f"Baseline {baseline}; the goal is to cut it by {trend.reduction_target:.0%} to {target}"
    if trend.latest_seconds is None or trend.reduction_achieved is None:
        return f"{goal}. No ticket was resolved in this period."
    latest = shown(trend.latest_seconds, "seconds")
    verdict = "on target" if trend.on_target else "not yet on target"
    return (
        f"{goal}. This period's median: {latest}, "
        f"{trend.reduction_achieved:.0%} below the baseline ({verdict})."
    )


_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:2rem;max-width:60rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{padding:.3rem .7rem;
border-bottom:1px solid #ddd;text-align:right}th[scope=row],thead th:first-child{text-align:left}
td.ok{color:#1a7f37}td.bad{color:#c62828}td.none{color:#888}figure{margin:1.5rem 0}
.meta{color:#666}
"""


def report_html(document: ReportDocument) -> str:
    """The report as one HTML page (UTF-8, every text escaped) with its plots inline as SVG."""
    title = escape(document.title)
    period = (
        f"{document.period_start.isoformat()} to {document.period_end.isoformat()}"
        f" (previous: {document.previous_start.isoformat()} to "
        f"{document.previous_end.isoformat()})"
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{title}</h1>
<p class="meta">{escape(document.team_name)} · {escape(document.kind)} · {escape(period)}<br>
Published {escape(document.published_at.isoformat())} · report {escape(str(document.report_id))}
</p>
<h2>Figures against targets and the previous period</h2>
<table>
<thead><tr><th>figure</th><th>value</th><th>target</th><th></th><th>previous</th>
<th>change</th><th></th></tr></thead>
<tbody>
{_figure_rows(document)}
</tbody>
</table>
<figure>{figures_svg(document)}</figure>
<h2>Cycle time against the baseline</h2>
<p>{escape(_trend_summary(document))}</p>
<figure>{cycle_time_svg(document)}</figure>
</body>
</html>
"""
