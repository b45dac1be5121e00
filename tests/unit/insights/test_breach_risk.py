"""The breach-risk model: its math against independent computations, and the directions a
sane model must move in (more agents, more time, fewer ahead: lower risk)."""

import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketflow_insights.domain.breach_risk import (
    ClockSituation,
    Survival,
    TeamSituation,
    assess,
    duration,
    erlang_survival,
    queue_ahead,
)

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
MIN = 60.0


def team(
    *, agents: int = 2, handle: float = 10 * MIN, replies: list[float] | None = None
) -> TeamSituation:
    return TeamSituation(
        team="network",
        agents_on_shift=agents,
        agents_online=agents,
        slots=agents,
        mean_handle_seconds=handle,
        reply=Survival.fit(replies if replies is not None else [60, 120, 180, 240, 300]),
        resolution=Survival.fit([h * 3600 for h in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]),
    )


def queued(*, ahead: int, left_minutes: float, metric: str = "first_response") -> ClockSituation:
    return ClockSituation(
        metric=metric,  # type: ignore[arg-type]
        started_at=NOW - timedelta(minutes=5),
        due_at=NOW + timedelta(minutes=left_minutes),
        owned_since=None,
        ahead=ahead,
    )


def test_erlang_survival_matches_a_simulation_of_the_queue() -> None:
    """Waiting for the 4th of 2 slots to free up (rate 2/600 s): simulated, not derived."""
    rng = random.Random(7)
    runs = 40_000
    longer = sum(1 for _ in range(runs) if sum(rng.expovariate(2 / 600) for _ in range(4)) > 900)
    assert erlang_survival(4, 2 / 600, 900) == pytest.approx(longer / runs, abs=0.01)


def test_erlang_survival_of_one_stage_is_the_exponential() -> None:
    assert erlang_survival(1, 0.01, 50) == pytest.approx(math.exp(-0.5))
    assert erlang_survival(3, 0.01, 0) == 1.0


def test_erlang_survival_stays_finite_deep_in_a_queue() -> None:
    """3000 places ahead at the mean wait: about half, no overflow or underflow to 0."""
    assert erlang_survival(3000, 1.0, 3000.0) == pytest.approx(0.5, abs=0.02)


def test_kaplan_meier_counts_open_tickets_as_still_running() -> None:
    """Resolved at 1, 2, 3 h; two still open at 1.5 h: S(2h) = (1 - 1/5)(1 - 1/2) = 0.4."""
    curve = Survival.fit([3600, 7200, 10800], censored=[5400, 5400])
    assert curve is not None
    assert curve.at(3599) == 1.0
    assert curve.at(3600) == pytest.approx(0.8)
    assert curve.at(7200) == pytest.approx(0.4)
    assert curve.at(10800) == 0.0
    assert Survival.fit([], censored=[10]) is None


def test_deep_in_the_queue_with_little_time_left_is_flagged_with_reasons() -> None:
    risk = assess(queued(ahead=6, left_minutes=15), team(agents=1), now=NOW)
    assert risk.probability > 0.95
    assert risk.reasons[0] == "6 tickets ahead in the queue, 1 agent online, 1 on shift"
    assert "expected wait for an owner 70 min" in risk.reasons[1]


def test_first_in_line_with_plenty_of_time_is_safe() -> None:
    assert assess(queued(ahead=0, left_minutes=120), team(agents=3), now=NOW).probability < 0.01


def test_nobody_on_shift_means_it_breaches() -> None:
    risk = assess(queued(ahead=0, left_minutes=60), team(agents=0), now=NOW)
    assert risk.probability == 1.0
    assert risk.reasons[0] == "no agent online and on shift to take it"


def test_past_due_is_certain() -> None:
    risk = assess(queued(ahead=0, left_minutes=-3), team(agents=9), now=NOW)
    assert (risk.probability, risk.reasons) == (1.0, ("already 3 min past due",))


@settings(max_examples=60, deadline=None)
@given(ahead=st.integers(0, 40), left=st.floats(1, 600), agents=st.integers(1, 8))
def test_more_agents_lower_the_risk(ahead: int, left: float, agents: int) -> None:
    fewer = assess(queued(ahead=ahead, left_minutes=left), team(agents=agents), now=NOW)
    more = assess(queued(ahead=ahead, left_minutes=left), team(agents=agents + 1), now=NOW)
    assert more.probability <= fewer.probability + 1e-12


@settings(max_examples=60, deadline=None)
@given(ahead=st.integers(0, 40), left=st.floats(1, 600), agents=st.integers(1, 8))
def test_less_time_left_or_more_ahead_raises_the_risk(ahead: int, left: float, agents: int) -> None:
    base = assess(queued(ahead=ahead, left_minutes=left), team(agents=agents), now=NOW)
    sooner = assess(queued(ahead=ahead, left_minutes=left / 2), team(agents=agents), now=NOW)
    deeper = assess(queued(ahead=ahead + 3, left_minutes=left), team(agents=agents), now=NOW)
    assert sooner.probability >= base.probability - 1e-12
    assert deeper.probability >= base.probability - 1e-12


def test_a_slower_team_is_at_more_risk() -> None:
    clock = queued(ahead=2, left_minutes=30)
    fast = assess(clock, team(handle=5 * MIN), now=NOW)
    slow = assess(clock, team(handle=20 * MIN), now=NOW)
    assert slow.probability > fast.probability + 0.2


def test_an_owned_ticket_follows_the_teams_reply_times() -> None:
    """Replies at 1..10 min; owned 4 min, 3 left: of the 6 slower than 4 min, 3 (8-10) are
    slower than 7 min."""
    replies = [m * MIN for m in range(1, 11)]
    clock = ClockSituation(
        metric="first_response",
        started_at=NOW - timedelta(minutes=6),
        due_at=NOW + timedelta(minutes=3),
        owned_since=NOW - timedelta(minutes=4),
    )
    risk = assess(clock, team(replies=replies), now=NOW)
    assert risk.probability == pytest.approx(0.5)
    assert "owner has had it 4 min without replying" in risk.reasons[0]


def test_resolution_risk_is_the_share_resolved_this_late() -> None:
    """Resolved at 1..10 h; open 4 h with 3 h left: 3 of the 6 past 4 h took longer than 7 h."""
    clock = ClockSituation(
        metric="resolution",
        started_at=NOW - timedelta(hours=4),
        due_at=NOW + timedelta(hours=3),
        owned_since=NOW - timedelta(hours=4),
    )
    risk = assess(clock, team(), now=NOW)
    assert risk.probability == pytest.approx(0.5)
    assert risk.reasons[0] == (
        "of tickets still open after 4.0 h, the team resolves 50% this late (after 7.0 h)"
    )


@settings(max_examples=60, deadline=None)
@given(elapsed=st.floats(0, 15), left=st.floats(0.01, 15), shorter=st.floats(0.01, 1))
def test_resolution_risk_falls_as_time_left_grows(
    elapsed: float, left: float, shorter: float
) -> None:
    def at(hours_left: float) -> float:
        clock = ClockSituation(
            metric="resolution",
            started_at=NOW - timedelta(hours=elapsed),
            due_at=NOW + timedelta(hours=hours_left),
            owned_since=NOW,
        )
        return assess(clock, team(), now=NOW).probability

    assert at(left * shorter) >= at(left) - 1e-12


def test_older_than_anything_resolved_uses_the_exponential_tail() -> None:
    clock = ClockSituation(
        metric="resolution",
        started_at=NOW - timedelta(hours=20),
        due_at=NOW + timedelta(hours=5.5),
        owned_since=NOW,
    )
    risk = assess(clock, team(), now=NOW)
    assert risk.probability == pytest.approx(math.exp(-1))  # mean of 1..10 h is 5.5 h
    assert risk.reasons[1] == "open longer than any ticket the team resolved"


def test_without_history_the_share_of_the_target_used_stands_in() -> None:
    empty = TeamSituation("network", 1, 1, 1, None, None, None)
    clock = ClockSituation(
        metric="resolution",
        started_at=NOW - timedelta(hours=3),
        due_at=NOW + timedelta(hours=1),
        owned_since=NOW,
        target_seconds=4 * 3600,
    )
    assert assess(clock, empty, now=NOW).probability == pytest.approx(0.75)


def test_queue_ahead_counts_higher_priority_and_older_first() -> None:
    mine = (2, NOW)
    others = [
        (0, NOW + timedelta(minutes=5)),
        (2, NOW - timedelta(minutes=1)),
        (3, NOW - timedelta(hours=1)),
        (2, NOW + timedelta(seconds=1)),
    ]
    assert queue_ahead(mine, others) == 2


@pytest.mark.parametrize(
    ("seconds", "said"), [(45, "45 s"), (720, "12 min"), (12600, "3.5 h"), (181440, "2.1 d")]
)
def test_durations_read_as_people_say_them(seconds: float, said: str) -> None:
    assert duration(seconds) == said


def staged(**changes: object) -> TeamSituation:
    """The team with its work after the first answer known: 1..10 h."""
    return replace(team(**changes), work=Survival.fit([h * 3600 for h in range(1, 11)]))  # type: ignore[arg-type]


def resolution_clock(*, answered_hours_ago: float | None, left_hours: float) -> ClockSituation:
    answered = None if answered_hours_ago is None else NOW - timedelta(hours=answered_hours_ago)
    return ClockSituation(
        metric="resolution",
        started_at=NOW - timedelta(hours=5),
        due_at=NOW + timedelta(hours=left_hours),
        owned_since=answered,
        answered_at=answered,
    )


def test_an_answered_ticket_has_the_work_after_the_answer_left() -> None:
    """Work 1..10 h; answered 4 h ago, 3 h left: 3 of the 6 longer than 4 h take over 7 h."""
    risk = assess(resolution_clock(answered_hours_ago=4, left_hours=3), staged(), now=NOW)
    assert risk.probability == pytest.approx(0.5)
    assert risk.reasons[0].startswith("answered 4.0 h ago")


def test_waiting_for_the_first_answer_adds_to_the_work() -> None:
    """Unanswered, deep in a queue: the wait comes before 1..10 h of work."""
    waiting = replace(resolution_clock(answered_hours_ago=None, left_hours=6), ahead=10)
    answered_now = resolution_clock(answered_hours_ago=0, left_hours=6)
    slow_queue = assess(waiting, staged(agents=1, handle=30 * MIN), now=NOW)
    quick_queue = assess(waiting, staged(agents=8, handle=5 * MIN), now=NOW)
    no_wait = assess(answered_now, staged(), now=NOW)
    assert no_wait.probability == pytest.approx(0.4)  # 7, 8, 9 and 10 h of work
    assert no_wait.probability <= quick_queue.probability <= 0.5
    assert slow_queue.probability > quick_queue.probability + 0.2
    assert slow_queue.reasons[0].startswith("no owner yet: 10 tickets ahead in the queue")
