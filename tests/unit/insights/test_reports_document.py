"""A report's document: each figure against its target and the previous period, the cycle-time
trend against the baseline, the organisation as the sum of its teams."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ticketflow_insights.domain.periods import Period, period_containing
from ticketflow_insights.domain.report_scopes import organisation_counts, organisation_scorecard
from ticketflow_insights.domain.reports import (
    FIGURE_NAMES,
    TREND_MIN_WEEKS,
    ReportDocument,
    ReportLine,
    build_report,
    report_links,
    trend_weeks,
)
from ticketflow_insights.domain.scorecards import Scorecard, ScorecardCounts, build_scorecard
from ticketflow_insights.domain.targets import TeamTargets

HOUR = 3600.0
WEEK = period_containing("week", datetime(2025, 6, 4, 12, tzinfo=UTC))


def card(period: Period, targets: TeamTargets | None = None, **counts: Any) -> Scorecard:
    return build_scorecard(
        scope="team",
        id="network",
        period=period,
        as_of=period.end,
        counts=ScorecardCounts.model_validate(counts),
        targets=targets or TeamTargets(),
    )


CURRENT: dict[str, Any] = dict(
    handled=100,
    first_contact_resolved=80,
    reopened=10,
    ratings=50,
    ratings_good=45,
    clocks_met=90,
    clocks_breached=10,
    responded=100,
    responded_within_target=85,
    resolution_p50_seconds=50 * HOUR,
    first_response_p50_seconds=0.5 * HOUR,
)
PRIOR: dict[str, Any] = dict(
    handled=80, first_contact_resolved=48, reopened=2, resolution_p50_seconds=70 * HOUR
)


def report(
    targets: TeamTargets | None = None, *, weeks: list[Scorecard] | None = None
) -> ReportDocument:
    targets = targets or TeamTargets()
    return build_report(
        report_id=uuid.uuid4(),
        kind="weekly",
        team="network",
        team_name="Network",
        current=card(WEEK, targets, **CURRENT),
        prior=card(WEEK.previous(), targets, **PRIOR),
        weeks=weeks or [card(w, targets) for w in trend_weeks(WEEK)],
        targets=targets,
        published_at=WEEK.end,
    )


def line(document: ReportDocument, name: str) -> ReportLine:
    return next(f for f in document.figures if f.name == name)


def test_every_scorecard_figure_is_a_line_beside_its_target_and_the_previous_period() -> None:
    document = report()
    assert [f.name for f in document.figures] == list(FIGURE_NAMES)
    fcr = line(document, "first_contact_resolution")
    assert (fcr.value, fcr.target, fcr.previous) == (0.8, 0.7, 0.6)
    assert fcr.met is True
    assert fcr.improved is True
    assert fcr.better == "higher"
    assert fcr.change == pytest.approx(0.2)
    reopen = line(document, "reopen_rate")
    assert (reopen.value, reopen.target, reopen.previous) == (0.1, 0.05, 0.025)
    assert reopen.met is False
    assert reopen.improved is False
    assert reopen.better == "lower"
    csat = line(document, "csat_share")
    assert (csat.value, csat.met, csat.previous, csat.improved) == (0.9, True, None, None)
    handled = line(document, "handled")
    assert (handled.value, handled.target, handled.met, handled.improved) == (100, None, None, True)


def test_a_team_target_changes_what_is_met() -> None:
    strict = TeamTargets(first_contact_resolution=0.9)
    assert line(report(strict), "first_contact_resolution").met is False


def test_cycle_time_is_judged_against_the_baseline_cut_by_the_reduction() -> None:
    trend = report().cycle_time
    assert trend.baseline_seconds == 72 * HOUR
    assert trend.target_seconds == pytest.approx(72 * HOUR * 0.8)  # cut 72 h by 20 %
    assert trend.latest_seconds == 50 * HOUR
    assert trend.reduction_achieved == pytest.approx(1 - 50 / 72)
    assert trend.on_target is True
    slow = report(TeamTargets(cycle_time_baseline_seconds=60 * HOUR, cycle_time_reduction=0.5))
    assert slow.cycle_time.target_seconds == 30 * HOUR
    assert slow.cycle_time.on_target is False
    assert slow.cycle_time.reduction_achieved == pytest.approx(1 - 50 / 60)


def test_the_trend_has_one_point_per_week_with_its_median() -> None:
    weeks = [
        card(w, resolution_p50_seconds=(80 - 3 * i) * HOUR, handled=10 + i)
        for i, w in enumerate(trend_weeks(WEEK))
    ]
    points = report(weeks=weeks).cycle_time.weeks
    assert [p.week_start for p in points] == [w.start for w in trend_weeks(WEEK)]
    assert points[-1].resolution_p50_seconds == (80 - 3 * (TREND_MIN_WEEKS - 1)) * HOUR
    assert points[0].handled == 10


def test_a_weekly_trend_spans_the_last_eight_weeks_ending_with_its_own() -> None:
    weeks = trend_weeks(WEEK)
    assert len(weeks) == TREND_MIN_WEEKS
    assert weeks[-1] == WEEK
    assert all(b.start == a.end for a, b in itertools.pairwise(weeks))


def test_a_quarterly_trend_covers_every_week_of_the_quarter() -> None:
    quarter = period_containing("quarter", datetime(2025, 5, 15, tzinfo=UTC))
    weeks = trend_weeks(quarter)
    assert weeks[0].start <= quarter.start < weeks[0].end
    assert weeks[-1].start < quarter.end <= weeks[-1].end
    assert len(weeks) == 14  # 2025-03-31 .. 2025-06-30: 13 weeks and the one it ends in


def test_the_headline_figures_are_the_lines() -> None:
    document = report()
    headline = {f.name: f for f in document.headline()}
    assert headline["first_contact_resolution"].model_dump() == {
        "name": "first_contact_resolution",
        "value": 0.8,
        "target": 0.7,
        "previous": 0.6,
        "unit": "share",
    }
    assert report_links(document.report_id)["csv"] == f"/reports/{document.report_id}.csv"


def test_the_organisation_adds_its_teams_up() -> None:
    a = card(WEEK, **CURRENT)
    b = card(
        WEEK,
        handled=20,
        first_contact_resolved=10,
        reopened=0,
        ratings=10,
        ratings_good=5,
        resolution_p50_seconds=20 * HOUR,
    )
    counts = organisation_counts([a, b])
    assert (counts.handled, counts.first_contact_resolved, counts.reopened) == (120, 90, 10)
    assert (counts.ratings, counts.ratings_good) == (60, 50)
    assert (counts.clocks_met, counts.clocks_breached) == (90, 10)
    assert counts.resolution_p50_seconds == pytest.approx((100 * 50 + 20 * 20) / 120 * HOUR)
    whole = organisation_scorecard(cards=[a, b], period=WEEK, as_of=WEEK.end, targets=TeamTargets())
    assert whole.first_contact_resolution.value == pytest.approx(0.75)
    assert whole.first_contact_resolution.met is True


def test_an_organisation_without_teams_has_no_figures() -> None:
    whole = organisation_scorecard(cards=[], period=WEEK, as_of=WEEK.end, targets=TeamTargets())
    assert whole.handled.value == 0
    assert whole.csat_share.value is None
    assert whole.resolution_p50_seconds.value is None


def test_the_title_names_the_team_and_the_days() -> None:
    assert report().title == "Weekly report: Network, 2025-06-02 to 2025-06-08"
    assert report().period_end - report().period_start == timedelta(days=7)
