"""The organisation's scorecard for a report, from its teams' scorecards: counts and shares add
up exactly; percentiles are the teams' weighted by how many tickets each counts."""

from collections.abc import Sequence
from datetime import datetime

from ticketflow_insights.domain.periods import Period
from ticketflow_insights.domain.scorecards import (
    DwellFigure,
    Figure,
    Scorecard,
    ScorecardCounts,
    build_scorecard,
)
from ticketflow_insights.domain.targets import TeamTargets

ORGANISATION_ID = ""
"""The scorecard id of the organisation (no team)."""


def _part(figure: Figure) -> int:
    """How many of the figure's `count` the share stands for (the share's numerator)."""
    return round((figure.value or 0.0) * figure.count)


def _weighted(figures: Sequence[Figure]) -> float | None:
    """The count-weighted mean of the figures that have a value."""
    known = [(f.value, f.count) for f in figures if f.value is not None and f.count > 0]
    total = sum(count for _, count in known)
    return sum(value * count for value, count in known) / total if total else None


def _dwell(cards: Sequence[Scorecard]) -> dict[str, DwellFigure]:
    statuses = sorted({status for card in cards for status in card.dwell_seconds})
    combined: dict[str, DwellFigure] = {}
    for status in statuses:
        parts = [c.dwell_seconds[status] for c in cards if status in c.dwell_seconds]
        tickets = sum(p.tickets for p in parts)
        median = sum(p.median_seconds * p.tickets for p in parts) / tickets if tickets else 0.0
        combined[status] = DwellFigure(
            tickets=tickets,
            median_seconds=median,
            total_seconds=sum(p.total_seconds for p in parts),
        )
    return combined


def organisation_counts(cards: Sequence[Scorecard]) -> ScorecardCounts:
    """What the teams' scorecards add up to, as the counts a scorecard is built from."""

    def total(name: str) -> int:
        return sum(getattr(c, name).count for c in cards)

    def parts(name: str) -> int:
        return sum(_part(getattr(c, name)) for c in cards)

    def weighted(name: str) -> float | None:
        return _weighted([getattr(c, name) for c in cards])

    clocks = total("sla_achievement")
    clocks_met = parts("sla_achievement")
    return ScorecardCounts(
        handled=total("handled"),
        first_contact_resolved=parts("first_contact_resolution"),
        reopened=parts("reopen_rate"),
        responded=total("first_response_within_target"),
        responded_within_target=parts("first_response_within_target"),
        first_response_p50_seconds=weighted("first_response_p50_seconds"),
        first_response_p90_seconds=weighted("first_response_p90_seconds"),
        resolution_p50_seconds=weighted("resolution_p50_seconds"),
        resolution_p90_seconds=weighted("resolution_p90_seconds"),
        clocks_met=clocks_met,
        clocks_breached=clocks - clocks_met,
        ratings=total("csat_share"),
        ratings_good=parts("csat_share"),
        dwell=_dwell(cards),
    )


def organisation_scorecard(
    *, cards: Sequence[Scorecard], period: Period, as_of: datetime, targets: TeamTargets
) -> Scorecard:
    """The whole organisation over `period`, judged by the organisation's targets."""
    return build_scorecard(
        scope="team",
        id=ORGANISATION_ID,
        period=period,
        as_of=as_of,
        counts=organisation_counts(cards),
        targets=targets,
    )
