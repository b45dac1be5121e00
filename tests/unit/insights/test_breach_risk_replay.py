"""Scoring the breach-risk model by replay: the confusion counts, and a replay of a small
seeded single-queue history in which the queue really decides who breaches."""

import heapq
import random
from datetime import UTC, datetime, timedelta

import pytest

from ticketflow_insights.domain.breach_risk_replay import (
    ClockOutcome,
    ReplayTicket,
    first_flag,
    replay,
    score,
)
from ticketflow_insights.domain.breach_risk_team import AgentOnRecord

T0 = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
THREE_AGENTS = [AgentOnRecord(teams=("network",), status="online", capacity=1)] * 3


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def outcome(
    *, flagged: float | None, breached: bool, due: float = 30, warned: float | None = 15
) -> ClockOutcome:
    return ClockOutcome(
        key="k",
        metric="first_response",
        due_at=at(due),
        warned_at=at(warned) if warned is not None else None,
        flagged_at=at(flagged) if flagged is not None else None,
        breached=breached,
    )


def test_first_flag_counts_only_flags_before_the_warning() -> None:
    steps = [(at(0), 0.2), (at(5), 0.6), (at(10), 0.9)]
    assert first_flag(steps, threshold=0.5, warned_at=at(15)) == at(5)
    assert first_flag(steps, threshold=0.5, warned_at=at(5)) is None
    assert first_flag(steps, threshold=0.95, warned_at=None) is None
    assert first_flag(reversed(steps), threshold=0.5, warned_at=None) == at(5)


def test_score_counts_and_lead_times() -> None:
    result = score(
        [
            outcome(flagged=2, breached=True),
            outcome(flagged=10, breached=True),
            outcome(flagged=1, breached=False),
            outcome(flagged=None, breached=True),
            outcome(flagged=None, breached=False, warned=None),
            outcome(flagged=None, breached=False, warned=None),
        ]
    )
    assert (result.flagged_breaches, result.false_alarms) == (2, 1)
    assert (result.missed_breaches, result.quiet_met) == (1, 2)
    assert result.precision == pytest.approx(2 / 3)
    assert result.recall == pytest.approx(2 / 3)
    assert result.lead_seconds_median == 24 * 60  # 28 and 20 min before due
    assert result.ahead_of_warning_seconds_median == 9 * 60  # 13 and 5 min before warning


def test_nothing_flagged_or_breached_has_no_ratio() -> None:
    result = score([outcome(flagged=None, breached=False)])
    assert (result.precision, result.recall) == (None, None)


def single_queue_history(
    *, seed: int, agents: int, hours: float, per_hour: float
) -> list[ReplayTicket]:
    """FIFO queue, `agents` agents, exponential handling of mean 10 min; each owner replies
    2 min after taking a ticket; first response due 30 min after creation."""
    rng = random.Random(seed)
    free = [T0] * agents
    heapq.heapify(free)
    tickets: list[ReplayTicket] = []
    now = T0
    end = T0 + timedelta(hours=hours)
    while True:
        now += timedelta(seconds=rng.expovariate(per_hour / 3600))
        if now >= end:
            return tickets
        handle = rng.expovariate(1 / 600)
        start = max(now, heapq.heappop(free))
        heapq.heappush(free, start + timedelta(seconds=handle))
        tickets.append(
            ReplayTicket(
                ticket_id=f"t{len(tickets)}",
                team="network",
                priority="normal",
                created_at=now,
                assigned_at=start,
                first_response_at=start + timedelta(minutes=2),
                resolved_at=start + timedelta(seconds=handle),
                handling_seconds=handle,
                first_response_seconds=1800,
                resolution_seconds=4 * 3600,
            )
        )


def test_replay_of_an_overloaded_queue_flags_most_breaches_before_the_warning() -> None:
    """Arrivals at 110% of what 3 agents handle: the queue grows and many breach."""
    history = single_queue_history(seed=3, agents=3, hours=10, per_hour=20)
    outcomes = replay(
        history,
        agents_at=lambda now: THREE_AGENTS,
        start=T0,
        end=T0 + timedelta(hours=10),
        step=timedelta(minutes=1),
        threshold=0.5,
    )
    responses = score(o for o in outcomes if o.metric == "first_response")
    assert responses.flagged_breaches + responses.missed_breaches >= 20
    assert responses.recall is not None
    assert responses.recall >= 0.7
    assert responses.precision is not None
    assert responses.precision >= 0.7
    assert responses.ahead_of_warning_seconds_median is not None
    assert responses.ahead_of_warning_seconds_median > 0


def test_replay_of_a_quiet_queue_raises_no_false_alarms() -> None:
    history = single_queue_history(seed=4, agents=3, hours=10, per_hour=4)
    outcomes = replay(
        history,
        agents_at=lambda now: THREE_AGENTS,
        start=T0,
        end=T0 + timedelta(hours=10),
        step=timedelta(minutes=1),
        threshold=0.5,
    )
    responses = score(o for o in outcomes if o.metric == "first_response")
    assert responses.flagged_breaches + responses.missed_breaches == 0
    assert responses.false_alarms == 0
    assert responses.quiet_met >= 30
