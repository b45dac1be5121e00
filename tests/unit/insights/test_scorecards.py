"""Scorecard figures from counts: rates over what was counted, each judged by its target."""

from datetime import UTC, datetime

import pytest

from ticketflow_insights.domain.periods import period_containing
from ticketflow_insights.domain.scorecards import (
    FIGURE_NAMES,
    DwellFigure,
    ScorecardCounts,
    build_scorecard,
    judged,
    share,
)
from ticketflow_insights.domain.targets import HOUR, TeamTargets

WEEK = period_containing("week", datetime(2026, 5, 13, tzinfo=UTC))


def test_rates_are_shares_of_what_they_count() -> None:
    counts = ScorecardCounts(
        handled=10,
        first_contact_resolved=7,
        reopened=1,
        responded=8,
        responded_within_target=6,
        clocks_met=19,
        clocks_breached=1,
        ratings=5,
        ratings_good=4,
    )
    scorecard = build_scorecard(
        scope="team",
        id="network",
        period=WEEK,
        as_of=WEEK.end,
        counts=counts,
        targets=TeamTargets(),
    )
    assert scorecard.handled.value == 10
    assert scorecard.first_contact_resolution.value == pytest.approx(0.7)
    assert scorecard.first_contact_resolution.met is True  # default target 0.70: at least
    assert scorecard.reopen_rate.value == pytest.approx(0.1)
    assert scorecard.reopen_rate.met is False  # at most 0.05
    assert scorecard.first_response_within_target.value == pytest.approx(0.75)
    assert scorecard.first_response_within_target.met is False  # 0.80
    assert scorecard.sla_achievement.value == pytest.approx(0.95)
    assert scorecard.sla_achievement.count == 20
    assert scorecard.sla_achievement.met is True
    assert scorecard.csat_share.value == pytest.approx(0.8)
    assert scorecard.csat_share.met is False  # 0.90


def test_percentiles_are_judged_at_most_their_target() -> None:
    counts = ScorecardCounts(
        handled=2,
        responded=2,
        first_response_p50_seconds=HOUR / 2,
        first_response_p90_seconds=3 * HOUR,
        resolution_p50_seconds=50 * HOUR,
        resolution_p90_seconds=70 * HOUR,
    )
    scorecard = build_scorecard(
        scope="agent",
        id="a",
        period=WEEK,
        as_of=WEEK.end,
        counts=counts,
        targets=TeamTargets(resolution_seconds=60 * HOUR),
    )
    assert scorecard.first_response_p50_seconds.met is True
    assert scorecard.first_response_p50_seconds.target == HOUR
    assert scorecard.first_response_p90_seconds.target is None
    assert scorecard.first_response_p90_seconds.met is None
    assert scorecard.resolution_p50_seconds.met is True
    assert scorecard.resolution_p50_seconds.direction == "at_most"
    assert scorecard.resolution_p90_seconds.value == 70 * HOUR


def test_nothing_counted_is_no_rate_and_neither_met_nor_missed() -> None:
    scorecard = build_scorecard(
        scope="team",
        id="quiet",
        period=WEEK,
        as_of=WEEK.start,
        counts=ScorecardCounts(),
        targets=TeamTargets(),
    )
    for name in FIGURE_NAMES[1:]:
        figure = getattr(scorecard, name)
        assert figure.value is None, name
        assert figure.met is None, name
    assert scorecard.handled.value == 0
    assert scorecard.gauge_values() == {"handled": 0.0}


def test_the_gauge_reports_every_figure_with_a_value() -> None:
    counts = ScorecardCounts(
        handled=4,
        first_contact_resolved=2,
        responded=4,
        first_response_p50_seconds=60,
        first_response_p90_seconds=120,
        resolution_p50_seconds=600,
        resolution_p90_seconds=900,
        clocks_met=1,
        ratings=1,
        ratings_good=1,
    )
    scorecard = build_scorecard(
        scope="team",
        id="network",
        period=WEEK,
        as_of=WEEK.end,
        counts=counts,
        targets=TeamTargets(),
    )
    assert set(scorecard.gauge_values()) == set(FIGURE_NAMES)
    assert scorecard.gauge_values()["first_contact_resolution"] == 0.5


def test_dwell_is_reported_per_status_in_name_order() -> None:
    counts = ScorecardCounts(
        dwell={
            "pending": DwellFigure(tickets=2, median_seconds=300, total_seconds=700),
            "in_progress": DwellFigure(tickets=3, median_seconds=60, total_seconds=200),
        }
    )
    scorecard = build_scorecard(
        scope="team",
        id="network",
        period=WEEK,
        as_of=WEEK.end,
        counts=counts,
        targets=TeamTargets(),
    )
    assert list(scorecard.dwell_seconds) == ["in_progress", "pending"]
    assert scorecard.dwell_seconds["pending"].total_seconds == 700


def test_share_and_judgement_edges() -> None:
    assert share(0, 0) is None
    assert share(0, 3) == 0
    assert judged(0.95, 0.95, "at_least", count=1).met is True
    assert judged(0.05, 0.05, "at_most", count=1).met is True
    assert judged(0.06, 0.05, "at_most", count=1).met is False
    assert judged(None, 0.5, "at_least", count=0).met is None
