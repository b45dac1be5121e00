"""A report's CSV (one row per figure) and HTML page (escaped, UTF-8, plots as inline SVG)."""

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

from ticketflow_insights.domain.periods import Period, period_containing
from ticketflow_insights.domain.report_pages import CSV_COLUMNS, report_csv, report_html
from ticketflow_insights.domain.reports import (
    FIGURE_NAMES,
    ReportDocument,
    build_report,
    trend_weeks,
)
from ticketflow_insights.domain.scorecards import Scorecard, ScorecardCounts, build_scorecard
from ticketflow_insights.domain.targets import TeamTargets

HOUR = 3600.0
WEEK = period_containing("week", datetime(2025, 6, 4, 12, tzinfo=UTC))


def document(team_name: str = "Network") -> ReportDocument:
    def card(period: Period, **counts: Any) -> Scorecard:
        return build_scorecard(
            scope="team",
            id="network",
            period=period,
            as_of=period.end,
            counts=ScorecardCounts(**counts),
            targets=TeamTargets(),
        )

    return build_report(
        report_id=uuid.uuid4(),
        kind="weekly",
        team="network",
        team_name=team_name,
        current=card(WEEK, handled=10, first_contact_resolved=8, reopened=1,
                     resolution_p50_seconds=40 * HOUR),
        prior=card(WEEK.previous(), handled=5, first_contact_resolved=2),
        weeks=[card(w, resolution_p50_seconds=(70 - i) * HOUR)
               for i, w in enumerate(trend_weeks(WEEK))],
        targets=TeamTargets(),
        published_at=WEEK.end,
    )  # fmt: skip


def test_the_csv_has_one_row_per_figure_with_its_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(report_csv(document()))))
    assert tuple(rows[0]) == CSV_COLUMNS == ("name", "value", "target", "previous", "unit", "met")
    by_name = {r["name"]: r for r in rows}
    assert list(by_name) == list(FIGURE_NAMES)
    assert by_name["first_contact_resolution"] == {
        "name": "first_contact_resolution",
        "value": "0.8",
        "target": "0.7",
        "previous": "0.4",
        "unit": "share",
        "met": "true",
    }
    assert by_name["reopen_rate"]["met"] == "false"
    assert by_name["handled"]["target"] == ""
    assert by_name["handled"]["met"] == ""
    assert by_name["csat_share"]["value"] == ""  # nobody rated: no share, not 0


def test_the_page_escapes_every_text() -> None:
    page = report_html(document('<script>alert("x")</script> & co'))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page


def test_the_page_is_utf8_and_a_chinese_team_name_renders() -> None:
    page = report_html(document("网络支持组"))
    assert '<meta charset="utf-8">' in page
    assert "<title>Weekly report: 网络支持组, 2025-06-02 to 2025-06-08</title>" in page
    assert "网络支持组".encode() in page.encode("utf-8")


def test_the_page_inlines_both_plots_as_svg() -> None:
    page = report_html(document())
    assert page.count("<svg") == 2
    assert page.count("</svg>") == 2
    assert "<?xml" not in page
    assert "<!DOCTYPE svg" not in page
    assert "Cycle time by week" in page
    assert "Figures against targets" in page
    assert "baseline" in page
    assert "target (-20%)" in page


def test_the_page_reads_the_figures_as_people_do() -> None:
    page = report_html(document())
    assert "<td>80.0%</td><td>70.0%</td>" in page  # first-contact resolution vs its target
    assert "<td>40.0 h</td>" in page
    assert "44% below the baseline" in page  # 40 h against 72 h
