"""A period's report: every scorecard figure beside its target and the previous period, and the
cycle-time trend against the baseline the team set out to cut."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common.events.insights import ReportFigure, ReportKind
from ticketflow_insights.domain.periods import Period, PeriodKind, period_containing
from ticketflow_insights.domain.scorecards import Figure, Scorecard
from ticketflow_insights.domain.targets import TeamTargets

Better = Literal["higher", "lower"]

TREND_MIN_WEEKS = 8
"""A weekly report's trend still shows this many weeks: one point is not a trend."""
KIND_PERIOD: dict[ReportKind, PeriodKind] = {
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
}
"""The scorecard period each report kind covers."""
KIND_TITLE: dict[ReportKind, str] = {
    "weekly": "Weekly",
    "monthly": "Monthly",
    "quarterly": "Quarterly",
}
ORGANISATION_NAME = "Organisation"


@dataclass(frozen=True)
class FigureSpec:
    """How a report shows one scorecard figure: its words and unit."""

    name: str
    label: str
    unit: Literal["tickets", "share", "seconds"]


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("handled", "Tickets handled", "tickets"),
    FigureSpec("first_contact_resolution", "First-contact resolution", "share"),
    FigureSpec("sla_achievement", "SLA achievement", "share"),
    FigureSpec("csat_share", "CSAT rated 4-5", "share"),
    FigureSpec("reopen_rate", "Reopen rate", "share"),
    FigureSpec("first_response_within_target", "First response within target", "share"),
    FigureSpec("first_response_p50_seconds", "First response, median", "seconds"),
    FigureSpec("first_response_p90_seconds", "First response, 90th percentile", "seconds"),
    FigureSpec("resolution_p50_seconds", "Resolution (cycle time), median", "seconds"),
    FigureSpec("resolution_p90_seconds", "Resolution, 90th percentile", "seconds"),
)
FIGURE_NAMES: tuple[str, ...] = tuple(f.name for f in FIGURES)


class ReportLine(BaseModel):
    """One figure of the report: its value, target and previous value, and how it fares."""

    name: str
    label: str
    unit: str
    better: Better
    value: float | None
    target: float | None
    previous: float | None
    met: bool | None = Field(description="Against the target; None without target or value.")
    change: float | None = Field(description="value - previous, when both are known.")
    improved: bool | None = Field(description="Moved the right way since the previous period.")


class WeekCycleTime(BaseModel):
    """One week's median resolution time and how many tickets it counts."""

    week_start: datetime
    resolution_p50_seconds: float | None
    handled: float | None = None


class CycleTimeTrend(BaseModel):
    """Weekly cycle time against the baseline the team set out to cut, and the target."""

    baseline_seconds: float
    target_seconds: float
    reduction_target: float = Field(description="The share of the baseline to cut.")
    benchmark_seconds: float = Field(description="The industry benchmark (resolution target).")
    weeks: list[WeekCycleTime]
    latest_seconds: float | None = Field(description="The period's own median resolution time.")
    reduction_achieved: float | None = Field(description="1 - latest / baseline.")
    on_target: bool | None


class ReportDocument(BaseModel):
    """The report as stored and served as JSON; CSV and HTML are views of it."""

    report_id: UUID
    kind: ReportKind
    team: str | None = Field(description="None for the whole organisation.")
    team_name: str
    title: str
    period_start: datetime
    period_end: datetime
    previous_start: datetime
    previous_end: datetime
    figures: list[ReportLine]
    cycle_time: CycleTimeTrend
    targets: TeamTargets
    published_at: datetime

    def headline(self) -> list[ReportFigure]:
        """The figures the `report.published` event carries."""
        return [
            ReportFigure(
                name=f.name, value=f.value, target=f.target, previous=f.previous, unit=f.unit
            )
            for f in self.figures
        ]


def figure_of(card: Scorecard, name: str) -> Figure:
    figure: Figure = getattr(card, name)
    return figure


def report_line(spec: FigureSpec, current: Scorecard, prior: Scorecard) -> ReportLine:
    """The figure as the scorecard judged it, beside the previous period's value."""
    now, before = figure_of(current, spec.name), figure_of(prior, spec.name)
    better: Better = "lower" if now.direction == "at_most" else "higher"
    value, previous = now.value, before.value
    change = None if value is None or previous is None else value - previous
    improved = None if change is None or change == 0 else (change > 0) == (better == "higher")
    return ReportLine(
        name=spec.name,
        label=spec.label,
        unit=spec.unit,
        better=better,
        value=value,
        target=now.target,
        previous=previous,
        met=now.met,
        change=change,
        improved=improved,
    )


def trend_weeks(period: Period) -> list[Period]:
    """The weeks a period's cycle-time trend plots: those overlapping the period, and at least
    `TREND_MIN_WEEKS` ending with the period's last."""
    last = period_containing("week", period.end - timedelta(microseconds=1), tz=period.tz)
    weeks = [last]
    while weeks[0].start > period.start or len(weeks) < TREND_MIN_WEEKS:
        weeks.insert(0, weeks[0].previous())
    return weeks


def week_cycle_time(card: Scorecard) -> WeekCycleTime:
    return WeekCycleTime(
        week_start=card.period.start,
        resolution_p50_seconds=card.resolution_p50_seconds.value,
        handled=card.handled.value,
    )


def cycle_time_trend(
    *, weeks: Sequence[Scorecard], latest: float | None, targets: TeamTargets
) -> CycleTimeTrend:
    """The weekly medians against baseline and target (baseline * (1 - reduction))."""
    baseline = targets.cycle_time_baseline_seconds
    target = targets.cycle_time_target_seconds
    return CycleTimeTrend(
        baseline_seconds=baseline,
        target_seconds=target,
        reduction_target=targets.cycle_time_reduction,
        benchmark_seconds=targets.resolution_seconds,
        weeks=[week_cycle_time(w) for w in weeks],
        latest_seconds=latest,
        reduction_achieved=None if latest is None else 1 - latest / baseline,
        on_target=None if latest is None else latest <= target,
    )


def report_title(kind: ReportKind, team_name: str, period: Period) -> str:
    last_day = (period.end - timedelta(microseconds=1)).date()
    span = f"{period.start.date().isoformat()} to {last_day.isoformat()}"
    return f"{KIND_TITLE[kind]} report: {team_name}, {span}"


def build_report(
    *,
    report_id: UUID,
    kind: ReportKind,
    team: str | None,
    team_name: str,
    current: Scorecard,
    prior: Scorecard,
    weeks: Sequence[Scorecard],
    targets: TeamTargets,
    published_at: datetime,
) -> ReportDocument:
    """The report of one team (or the organisation, team None) for the period of `current`,
    against `prior` (the period before) and, for cycle time, the weekly scorecards `weeks`."""
    period, previous = current.period, prior.period
    return ReportDocument(
        report_id=report_id,
        kind=kind,
        team=team,
        team_name=team_name,
        title=report_title(kind, team_name, period),
        period_start=period.start,
        period_end=period.end,
        previous_start=previous.start,
        previous_end=previous.end,
        figures=[report_line(spec, current, prior) for spec in FIGURES],
        cycle_time=cycle_time_trend(
            weeks=weeks, latest=current.resolution_p50_seconds.value, targets=targets
        ),
        targets=targets,
        published_at=published_at,
    )


def report_links(report_id: UUID) -> dict[str, str]:
    """Each format of a report to its path on insights' API."""
    return {
        "json": f"/reports/{report_id}",
        "csv": f"/reports/{report_id}.csv",
        "html": f"/reports/{report_id}.html",
    }


class ReportSummary(BaseModel):
    """A stored report as listed: what it covers and where its formats are."""

    report_id: UUID
    kind: ReportKind
    team: str | None
    period_start: datetime
    period_end: datetime
    title: str
    published_at: datetime
    links: dict[str, str]
