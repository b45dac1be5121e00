"""Who can take a team's tickets: online and on shift now, or the next shift's people."""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest

from ticketflow_insights.domain.breach_risk import ClockSituation, assess
from ticketflow_insights.domain.breach_risk_team import (
    AgentOnRecord,
    TeamHistory,
    next_shift_start,
    on_shift,
    team_situation,
)

MONDAY_10 = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
DAYS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}
NIGHTS = {"days": ["mon"], "start": "22:00", "end": "06:00"}


def agent(
    status: str = "online", *shifts: Mapping[str, object], zone: str = "UTC"
) -> AgentOnRecord:
    return AgentOnRecord(
        teams=("network",), status=status, capacity=2, time_zone=zone, shifts=tuple(shifts)
    )


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (MONDAY_10, True),
        (MONDAY_10.replace(hour=17), False),
        (MONDAY_10 + timedelta(days=5), False),  # Saturday
    ],
)
def test_on_shift_in_the_agents_hours(at: datetime, expected: bool) -> None:
    assert on_shift(agent("online", DAYS), at) is expected


def test_a_night_shift_runs_past_midnight_and_time_zones_count() -> None:
    night = agent("online", NIGHTS)
    assert on_shift(night, MONDAY_10.replace(hour=23))
    assert on_shift(night, MONDAY_10 + timedelta(hours=15))  # Tuesday 01:00
    assert not on_shift(night, MONDAY_10 + timedelta(hours=21))  # Tuesday 07:00
    shanghai = agent("online", DAYS, zone="Asia/Shanghai")  # 09:00-17:00 is 01:00-09:00 UTC
    assert not on_shift(shanghai, MONDAY_10)
    assert on_shift(shanghai, MONDAY_10.replace(hour=2))


def test_no_schedule_is_always_on_shift_an_empty_one_never() -> None:
    assert on_shift(AgentOnRecord(teams=("network",), status="online", capacity=1), MONDAY_10)
    assert not on_shift(agent("online"), MONDAY_10)


def test_slots_are_the_capacity_of_agents_online_and_on_shift() -> None:
    team = [agent("online", DAYS), agent("away", DAYS), agent("online", NIGHTS)]
    other = AgentOnRecord(teams=("billing",), status="online", capacity=5)
    situation = team_situation("network", [*team, other], TeamHistory(), now=MONDAY_10)
    assert (situation.slots, situation.agents_online, situation.agents_on_shift) == (2, 2, 2)
    assert situation.later_in_seconds is None


def test_with_nobody_on_shift_the_next_shift_is_what_it_waits_for() -> None:
    friday_evening = MONDAY_10 + timedelta(days=4, hours=9)  # Friday 19:00
    assert next_shift_start(agent("offline", DAYS), friday_evening) == MONDAY_10.replace(
        hour=9
    ) + timedelta(days=7)
    team = [agent("offline", DAYS), agent("offline", DAYS)]
    situation = team_situation("network", team, TeamHistory(handling=(600.0,)), now=friday_evening)
    assert situation.slots == 0
    assert situation.later_in_seconds == 62 * 3600
    assert situation.later_slots == 4

    def risk(due_in_hours: float) -> float:
        clock = ClockSituation(
            metric="first_response",
            started_at=friday_evening,
            due_at=friday_evening + timedelta(hours=due_in_hours),
            owned_since=None,
        )
        return assess(clock, situation, now=friday_evening).probability

    assert risk(8) == 1.0  # due Saturday 03:00, nobody until Monday 09:00
    assert risk(72) < 0.01  # due Monday 19:00: ten hours after they start
    reasons = assess(
        ClockSituation("first_response", friday_evening, friday_evening + timedelta(hours=8), None),
        situation,
        now=friday_evening,
    ).reasons
    assert reasons[0] == "nobody to take it until the next shift in 2.6 d (4 slots)"
