"""The GCRA rule with time injected: burst, steady rate, what the headers report."""

from datetime import UTC, datetime, timedelta

import pytest

from ticketflow_common.rate_limit import (
    Decision,
    RatePolicy,
    decide,
    describe,
    policy_header,
    state_header,
)

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
POLICY = RatePolicy.per_second("api-key", rate=50, burst=100)


def run(policy: RatePolicy, instants: list[datetime]) -> list[Decision]:
    """One request at each instant, the TAT carried from one to the next as the table would."""
    tat: datetime | None = None
    decisions = []
    for now in instants:
        decision, tat = decide(policy, tat=tat, now=now)
        decisions.append(decision)
    return decisions


def test_a_fresh_key_gets_exactly_its_burst_at_one_instant() -> None:
    decisions = run(POLICY, [T0] * 101)
    assert [d.allowed for d in decisions] == [True] * 100 + [False]
    assert [d.remaining for d in decisions[:3]] == [99, 98, 97]
    assert decisions[99].remaining == 0
    refused = decisions[100]
    assert (refused.remaining, refused.retry_after_seconds, refused.reset_seconds) == (0, 1, 2)


def test_a_refused_request_spends_nothing_and_allowance_returns_at_the_rate() -> None:
    policy = RatePolicy.per_second("p", rate=1, burst=3)
    at = [T0, T0, T0, T0, T0, T0 + timedelta(seconds=0.999), T0 + timedelta(seconds=1)]
    allowed = [d.allowed for d in run(policy, at)]
    assert allowed == [True, True, True, False, False, False, True]


def test_the_steady_rate_holds_over_time_and_idle_time_never_banks_more_than_the_burst() -> None:
    policy = RatePolicy.per_second("p", rate=10, burst=5)
    idle_for_an_hour = [T0 + timedelta(hours=1)] * 6
    assert sum(d.allowed for d in run(policy, [T0, *idle_for_an_hour])) == 6
    twice_the_rate = [T0 + timedelta(seconds=i / 20) for i in range(200)]  # 10 s at 20/s
    assert sum(d.allowed for d in run(policy, twice_the_rate)) == 5 + 10 * 10 - 1


def test_an_expired_tat_means_a_whole_quota_as_a_missing_row_does() -> None:
    past = T0 - timedelta(days=3)
    assert decide(POLICY, tat=past, now=T0) == decide(POLICY, tat=None, now=T0)


def test_refusal_reports_when_to_retry_and_when_the_quota_is_whole() -> None:
    policy = RatePolicy(name="failed-auth", quota=10, window_seconds=60)
    exhausted = T0 + timedelta(seconds=60)
    refused = describe(policy, tat=exhausted, now=T0, allowed=False)
    assert (refused.retry_after_seconds, refused.reset_seconds, refused.remaining) == (6, 60, 0)
    half = describe(policy, tat=T0 + timedelta(seconds=30), now=T0, allowed=True)
    assert (half.remaining, half.reset_seconds) == (5, 30)


def test_headers_follow_the_ietf_draft() -> None:
    decision = run(POLICY, [T0] * 58)[-1]
    assert policy_header([POLICY]) == '"api-key";q=100;w=2'
    assert state_header([decision]) == '"api-key";r=42;t=2'


@pytest.mark.parametrize(
    ("name", "quota", "window"), [("bad name", 1, 1.0), ("p", 0, 1.0), ("p", 1, 0.0)]
)
def test_nonsense_policies_are_refused(name: str, quota: int, window: float) -> None:
    with pytest.raises(ValueError, match="policy"):
        RatePolicy(name=name, quota=quota, window_seconds=window)
