"""A team's or an agent's figures over a period, each beside its target: what a lead reviews."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ticketflow_insights.domain.periods import Period
from ticketflow_insights.domain.targets import TeamTargets

ScorecardScope = Literal["agent", "team"]
Direction = Literal["at_least", "at_most"]

FIGURE_NAMES: tuple[str, ...] = (
    "handled",
    "first_contact_resolution",
    "sla_achievement",
    "csat_share",
    "reopen_rate",
    "first_response_p50_seconds",
    "resolution_p50_seconds",
    "first_response_p90_seconds",
    "resolution_p90_seconds",
)
"""The figures the `ticketflow_insights_scorecard{team,figure}` gauge reports."""


class Figure(BaseModel):
    """One figure and its target; `met` is None when there is no value or no target."""

    model_config = ConfigDict(frozen=True)

    value: float | None
    target: float | None = None
    direction: Direction = "at_least"
    met: bool | None = None
    count: int = Field(default=0, ge=0, description="How many tickets or clocks it is over.")


class DwellFigure(BaseModel):
    """Time tickets spent in one status: the median per ticket, and the total."""

    model_config = ConfigDict(frozen=True)

    tickets: int = Field(ge=0)
    median_seconds: float = Field(ge=0)
    total_seconds: float = Field(ge=0)


class ScorecardCounts(BaseModel):
    """What the facts say about a scope over a period, before targets: the store's answer."""

    handled: int = Field(default=0, ge=0, description="Tickets resolved in the period.")
    first_contact_resolved: int = Field(default=0, ge=0)
    reopened: int = Field(default=0, ge=0, description="Of those handled, reopened at least once.")
    responded: int = Field(default=0, ge=0, description="First responses in the period.")
    responded_within_target: int = Field(default=0, ge=0)
    first_response_p50_seconds: float | None = None
    first_response_p90_seconds: float | None = None
    resolution_p50_seconds: float | None = None
    resolution_p90_seconds: float | None = None
    clocks_met: int = Field(default=0, ge=0)
    clocks_breached: int = Field(default=0, ge=0)
    ratings: int = Field(default=0, ge=0)
    ratings_good: int = Field(default=0, ge=0, description="Ratings of 4 or 5.")
    dwell: dict[str, DwellFigure] = Field(default_factory=dict)


class Scorecard(BaseModel):
    """A scope's figures over a period (to `as_of` while the period runs) against its targets."""

    model_config = ConfigDict(frozen=True)

    scope: ScorecardScope
    id: str = Field(description="The team's name, or the agent's id.")
    period: Period
    as_of: datetime = Field(description="The instant the figures run to.")
    teams: list[str] = Field(default_factory=list, description="For an agent: their teams.")
    handled: Figure
    first_contact_resolution: Figure
    first_response_p50_seconds: Figure
    first_response_p90_seconds: Figure
    first_response_within_target: Figure
    resolution_p50_seconds: Figure
    resolution_p90_seconds: Figure
    sla_achievement: Figure
    csat_share: Figure
    reopen_rate: Figure
    dwell_seconds: dict[str, DwellFigure]

    def gauge_values(self) -> dict[str, float]:
        """The figures the gauge reports, those that have a value."""
        values = {name: getattr(self, name).value for name in FIGURE_NAMES}
        return {name: value for name, value in values.items() if value is not None}


def share(part: int, whole: int) -> float | None:
    """part / whole; None over nothing (no tickets is no rate, not 0 %)."""
    return part / whole if whole else None


def judged(
    value: float | None, target: float | None, direction: Direction, *, count: int
) -> Figure:
    """The figure beside its target: met when at least (or at most) the target."""
    met: bool | None = None
    if value is not None and target is not None:
        met = value >= target if direction == "at_least" else value <= target
    return Figure(value=value, target=target, direction=direction, met=met, count=count)


def build_scorecard(
    *,
    scope: ScorecardScope,
    id: str | UUID,
    period: Period,
    as_of: datetime,
    counts: ScorecardCounts,
    targets: TeamTargets,
    teams: list[str] | None = None,
) -> Scorecard:
    """Rates from counts, each judged against the team's targets."""
    c, t = counts, targets
    clocks = c.clocks_met + c.clocks_breached
    return Scorecard(
        scope=scope,
        id=str(id),
        period=period,
        as_of=as_of,
        teams=sorted(teams or []),
        handled=Figure(value=float(c.handled), count=c.handled),
        first_contact_resolution=judged(
            share(c.first_contact_resolved, c.handled),
            t.first_contact_resolution,
            "at_least",
            count=c.handled,
        ),
        first_response_p50_seconds=judged(
            c.first_response_p50_seconds, t.first_response_seconds, "at_most", count=c.responded
        ),
        first_response_p90_seconds=judged(
            c.first_response_p90_seconds, None, "at_most", count=c.responded
        ),
        first_response_within_target=judged(
            share(c.responded_within_target, c.responded),
            t.service_level,
            "at_least",
            count=c.responded,
        ),
        resolution_p50_seconds=judged(
            c.resolution_p50_seconds, t.resolution_seconds, "at_most", count=c.handled
        ),
        resolution_p90_seconds=judged(c.resolution_p90_seconds, None, "at_most", count=c.handled),
        sla_achievement=judged(
            share(c.clocks_met, clocks), t.sla_achievement, "at_least", count=clocks
        ),
        csat_share=judged(
            share(c.ratings_good, c.ratings), t.csat_share, "at_least", count=c.ratings
        ),
        reopen_rate=judged(share(c.reopened, c.handled), t.reopen_rate, "at_most", count=c.handled),
        dwell_seconds=dict(sorted(c.dwell.items())),
    )
