"""A period's report: every scorecard figure beside its target and the previous period, and the
cycle-time trend against the baseline the team set out to cut."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common.events.insights import ReportFigure, ReportKind
from ticketflow_insights.domain.targets import TeamTargets

Better = Literal["higher", "lower"]
FigureValues = Mapping[str, float | None]
"""A scorecard's figures by name (the names of `FIGURES`); None where there was nothing."""

TREND_MIN_WEEKS = 8
"""A weekly report's trend still shows this many weeks: one point is not a trend."""
WEEK = timedelta(days=7)
KIND_PERIOD: dict[ReportKind, str] = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}
"""The scorecard period each report kind covers."""
KIND_TITLE: dict[ReportKind, str] = {
    "weekly": "Weekly",
    "monthly": "Monthly",
    "quarterly": "Quarterly",
}


@dataclass(frozen=True)
class FigureSpec:
    """What a report says about one scorecard figure: its words, unit, direction and target."""

    name: str
    label: str
    unit: Literal["tickets", "share", "seconds"]
    better: Better
    target: Callable[[TeamTargets], float | None]


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="handled", label="Tickets handled", unit="tickets", better="higher",
               target=lambda t: None),
    FigureSpec(name="first_contact_resolution", label="First-contact resolution", unit="share",
               better="higher", target=lambda t: t.first_contact_resolution),
    FigureSpec(name="sla_achievement", label="SLA achievement", unit="share", better="higher",
               target=lambda t: t.sla_achievement),
    FigureSpec(name="csat_share", label="CSAT rated 4-5", unit="share", better="higher",
               target=lambda t: t.csat_share),
    FigureSpec(name="reopen_rate", label="Reopen rate", unit="share", better="lower",
               target=lambda t: t.reopen_rate),
    FigureSpec(name="first_response_p50_seconds", label="First response, median",
               unit="seconds", better="lower", target=lambda t: t.first_response_seconds),
    FigureSpec(name="first_response_p90_seconds", label="First response, 90th percentile",
               unit="seconds", better="lower", target=lambda t: None),
    FigureSpec(name="resolution_p50_seconds", label="Cycle time (resolution), median",
               unit="seconds", better="lower", target=lambda t: t.cycle_time_target_seconds),
    FigureSpec(name="resolution_p90_seconds", label="Resolution, 90th percentile",
               unit="seconds", better="lower", target=lambda t: None),
)  # fmt: skip
FIGURE_NAMES: tuple[str, ...] = tuple(f.name for f in FIGURES)


class Window(BaseModel):
    """A half-open span of time [start, end)."""

    start: datetime
    end: datetime


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


def met_target(value: float | None, target: float | None, better: Better) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if better == "higher" else value <= target


def report_line(spec: FigureSpec, current: FigureValues, prior: FigureValues,
                targets: TeamTargets) -> ReportLine:  # fmt: skip
    value, previous, target = current.get(spec.name), prior.get(spec.name), spec.target(targets)
    change = None if value is None or previous is None else value - previous
    improved = None if change is None or change == 0 else (change > 0) == (spec.better == "higher")
    return ReportLine(
        name=spec.name,
        label=spec.label,
        unit=spec.unit,
        better=spec.better,
        value=value,
        target=target,
        previous=previous,
        met=met_target(value, target, spec.better),
        change=change,
        improved=improved,
    )


def week_start(instant: datetime) -> datetime:
    """Monday 00:00 UTC of the instant's week."""
    day = instant.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def trend_weeks(period: Window) -> list[Window]:
    """The weeks a period's cycle-time trend plots: those overlapping the period, and at least
    `TREND_MIN_WEEKS` ending with the period's last."""
    last = week_start(period.end - timedelta(microseconds=1))
    first = min(week_start(period.start), last - (TREND_MIN_WEEKS - 1) * WEEK)
    count = (last - first) // WEEK + 1
    return [Window(start=first + i * WEEK, end=first + (i + 1) * WEEK) for i in range(count)]


def cycle_time_trend(
    *, weeks: Sequence[WeekCycleTime], latest: float | None, targets: TeamTargets
) -> CycleTimeTrend:
    baseline = targets.cycle_time_baseline_seconds
    target = targets.cycle_time_target_seconds
    return CycleTimeTrend(
        baseline_seconds=baseline,
        target_seconds=target,
        reduction_target=targets.cycle_time_reduction,
        benchmark_seconds=targets.resolution_seconds,
        weeks=list(weeks),
        latest_seconds=latest,
        reduction_achieved=None if latest is None else 1 - latest / baseline,
        on_target=None if latest is None else latest <= target,
    )


def report_title(kind: ReportKind, team_name: str, period: Window) -> str:
    last_day = (period.end - timedelta(microseconds=1)).date()
    span = f"{period.start.date().isoformat()} to {last_day.isoformat()}"
    return f"{KIND_TITLE[kind]} report: {team_name}, {span}"


def build_report(
    *,
    report_id: UUID,
    kind: ReportKind,
    team: str | None,
    team_name: str,
    period: Window,
    previous: Window,
    current: FigureValues,
    prior: FigureValues,
    weeks: Sequence[WeekCycleTime],
    targets: TeamTargets,
    published_at: datetime,
) -> ReportDocument:
    """The report of one team (or the organisation, team None) for one period."""
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
        figures=[report_line(spec, current, prior, targets) for spec in FIGURES],
        cycle_time=cycle_time_trend(
            weeks=weeks, latest=current.get("resolution_p50_seconds"), targets=targets
        ),
        targets=targets,
        published_at=published_at,
    )
