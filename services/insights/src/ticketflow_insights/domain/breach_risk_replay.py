"""How good the breach-risk model is: replay a ticket history step by step, assess every clock
with only what was known then, and score the flags raised before the warning against the
breaches that really happened (precision, recall, lead time). Pure: the history is given."""

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from ticketflow_insights.domain.breach_risk import (
    PRIORITY_RANK,
    ClockSituation,
    RiskMetric,
    TeamSituation,
    assess,
)
from ticketflow_insights.domain.breach_risk_team import AgentOnRecord, TeamHistory, team_situation


@dataclass(frozen=True)
class ClockOutcome:
    """One clock cycle of the replay: when the model first flagged it (before its warning),
    and whether it really breached."""

    key: str
    metric: RiskMetric
    due_at: datetime
    warned_at: datetime | None
    flagged_at: datetime | None
    breached: bool


@dataclass(frozen=True)
class ReplayScore:
    """Confusion counts of flags (before the warning) against breaches, and the lead time."""

    flagged_breaches: int
    false_alarms: int
    missed_breaches: int
    quiet_met: int
    lead_seconds_median: float | None
    """How long before the due instant a breach that came was flagged (median)."""
    ahead_of_warning_seconds_median: float | None
    """How long before the warning would have fired it was flagged (median)."""

    @property
    def precision(self) -> float | None:
        flagged = self.flagged_breaches + self.false_alarms
        return self.flagged_breaches / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        breaches = self.flagged_breaches + self.missed_breaches
        return self.flagged_breaches / breaches if breaches else None


def first_flag(
    assessments: Iterable[tuple[datetime, float]], *, threshold: float, warned_at: datetime | None
) -> datetime | None:
    """The first assessment at or above `threshold` strictly before the warning; None if none
    (a flag after the warning is never sent, so it does not count)."""
    for at, probability in sorted(assessments):
        if warned_at is not None and at >= warned_at:
            return None
        if probability >= threshold:
            return at
    return None


def score(outcomes: Iterable[ClockOutcome]) -> ReplayScore:
    tp = fp = fn = tn = 0
    leads: list[float] = []
    ahead: list[float] = []
    for o in outcomes:
        if o.flagged_at is not None and o.breached:
            tp += 1
            leads.append((o.due_at - o.flagged_at).total_seconds())
            if o.warned_at is not None:
                ahead.append((o.warned_at - o.flagged_at).total_seconds())
        elif o.flagged_at is not None:
            fp += 1
        elif o.breached:
            fn += 1
        else:
            tn += 1
    return ReplayScore(
        tp,
        fp,
        fn,
        tn,
        statistics.median(leads) if leads else None,
        statistics.median(ahead) if ahead else None,
    )


@dataclass(frozen=True)
class ReplayTicket:
    """One ticket of a history as it really went; None: it never happened."""

    ticket_id: str
    team: str
    priority: str
    created_at: datetime
    assigned_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    handling_seconds: float | None
    first_response_seconds: float
    resolution_seconds: float

    def ends(self, metric: RiskMetric) -> datetime | None:
        return self.first_response_at if metric != "resolution" else self.resolved_at

    def target(self, metric: RiskMetric) -> float:
        return self.first_response_seconds if metric != "resolution" else self.resolution_seconds


AgentsAt = Callable[[datetime], Sequence[AgentOnRecord]]
"""The agents as the facts knew them at an instant: teams, status then, and their shifts."""
METRICS: tuple[RiskMetric, ...] = ("first_response", "resolution")


def team_history(tickets: Sequence[ReplayTicket], *, at: datetime) -> TeamHistory:
    """What the facts said about the team at `at`: only what had happened by then."""
    replies = [
        (t.first_response_at - t.assigned_at).total_seconds()
        for t in tickets
        if t.first_response_at is not None
        and t.assigned_at is not None
        and t.first_response_at <= at
    ]
    resolved = [t for t in tickets if t.resolved_at is not None and t.resolved_at <= at]
    return TeamHistory(
        replies=tuple(replies),
        handling=tuple(t.handling_seconds for t in resolved if t.handling_seconds),
        resolutions=tuple(
            (t.resolved_at - t.created_at).total_seconds() for t in resolved if t.resolved_at
        ),
        work=tuple(
            (t.resolved_at - t.first_response_at).total_seconds()
            for t in resolved
            if t.resolved_at and t.first_response_at and t.first_response_at <= t.resolved_at
        ),
        open_ages=tuple(
            (at - t.created_at).total_seconds()
            for t in tickets
            if t.created_at <= at and (t.resolved_at is None or t.resolved_at > at)
        ),
    )


@dataclass
class _Walk:
    """The replay's state: what each clock's first flag was, and which clocks it saw running."""

    threshold: float
    warn_share: float
    by_priority: bool
    flags: dict[tuple[str, RiskMetric], datetime] = field(default_factory=dict)
    seen: set[tuple[str, RiskMetric]] = field(default_factory=set)

    def place(self, t: ReplayTicket) -> tuple[int, datetime]:
        return (PRIORITY_RANK.get(t.priority, 9) if self.by_priority else 0, t.created_at)


def replay(
    tickets: Sequence[ReplayTicket],
    *,
    agents_at: AgentsAt,
    start: datetime,
    end: datetime,
    step: timedelta,
    threshold: float,
    warn_share: float = 0.5,
    refit_every: timedelta = timedelta(hours=1),
    by_priority: bool = True,
) -> list[ClockOutcome]:
    """Walk from `start` to `end` by `step`, assessing every running clock before its warning
    (at `warn_share` of its target, 24x7) with the model; one outcome per clock that came due
    before `end` and was running at some step. `by_priority`: the queue is served by priority
    then age (routing's order), else by age alone."""
    by_team: dict[str, list[ReplayTicket]] = defaultdict(list)
    for t in sorted(tickets, key=lambda t: t.created_at):
        by_team[t.team].append(t)
    walk = _Walk(threshold, warn_share, by_priority)
    for team, team_tickets in by_team.items():
        longest = timedelta(seconds=max(max(t.target(m) for m in METRICS) for t in team_tickets))
        learned: TeamSituation | None = None
        fitted_at, now, lo = start, start, 0
        while now < end:
            while lo < len(team_tickets) and team_tickets[lo].created_at + longest < now:
                lo += 1
            agents = agents_at(now)
            if learned is None or now - fitted_at >= refit_every:
                history = team_history(team_tickets, at=now)
                learned, fitted_at = team_situation(team, agents, history, now=now), now
            staffed = team_situation(team, agents, TeamHistory(), now=now)
            situation = replace(
                staffed,
                mean_handle_seconds=learned.mean_handle_seconds,
                reply=learned.reply,
                resolution=learned.resolution,
                work=learned.work,
            )
            _assess_step(walk, team_tickets[lo:], situation, now)
            now += step
    return _outcomes(tickets, walk, end)


def _outcomes(tickets: Sequence[ReplayTicket], walk: _Walk, end: datetime) -> list[ClockOutcome]:
    outcomes = []
    index = {t.ticket_id: t for t in tickets}
    for ticket_id, metric in sorted(walk.seen):
        t = index[ticket_id]
        target = t.target(metric)
        due = t.created_at + timedelta(seconds=target)
        if due > end:
            continue
        done = t.ends(metric)
        warned = t.created_at + timedelta(seconds=target * walk.warn_share)
        outcomes.append(
            ClockOutcome(
                key=f"{ticket_id}/{metric}",
                metric=metric,
                due_at=due,
                warned_at=warned if done is None or done > warned else None,
                flagged_at=walk.flags.get((ticket_id, metric)),
                breached=done is None or done > due,
            )
        )
    return outcomes


def _assess_step(
    walk: _Walk, tickets: Sequence[ReplayTicket], team: TeamSituation, now: datetime
) -> None:
    """Assess the clocks running at `now` that have not warned yet; note the first flag."""
    waiting = [
        walk.place(t)
        for t in tickets
        if t.created_at <= now and (t.assigned_at is None or t.assigned_at > now)
    ]
    for t in tickets:
        if t.created_at > now:
            break
        for metric in METRICS:
            done = t.ends(metric)
            if done is not None and done <= now:
                continue
            target = t.target(metric)
            if now >= t.created_at + timedelta(seconds=target * walk.warn_share):
                continue
            key = (t.ticket_id, metric)
            walk.seen.add(key)
            if key in walk.flags:
                continue
            owned = t.assigned_at if t.assigned_at is not None and t.assigned_at <= now else None
            answered = t.first_response_at
            mine = walk.place(t)
            clock = ClockSituation(
                metric=metric,
                started_at=t.created_at,
                due_at=t.created_at + timedelta(seconds=target),
                owned_since=owned,
                ahead=sum(1 for w in waiting if w < mine) if owned is None else 0,
                target_seconds=target,
                answered_at=answered if answered is not None and answered <= now else None,
            )
            if assess(clock, team, now=now).probability >= walk.threshold:
                walk.flags[key] = now
