"""An agent's profile: the home team is always a member, repeats count once, a change keeps
what it leaves out; the routing keys and shift state follow from it."""

import uuid
from datetime import UTC, datetime, time

from ticketflow_routing.domain.agents import (
    Agent,
    AgentChange,
    NewAgent,
    SkillLevel,
    changed_profile,
    new_profile,
)
from ticketflow_routing.domain.shifts import Shift, ShiftState

MONDAY_9 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_a_new_agent_is_a_member_of_their_home_team_once() -> None:
    new = NewAgent(
        name="Ann",
        team="net",
        teams=["desk", "net", "desk"],
        skills=["vpn", {"name": "vpn", "proficiency": 5}, "mail"],
        languages=["en", "fr", "en"],
        capacity=3,
    )
    profile = new_profile(new)
    assert profile.teams == ["net", "desk"]
    assert profile.languages == ["en", "fr"]
    assert profile.skill_levels == {"vpn": 5, "mail": 3}
    assert profile.routing_keys == [
        "lang:en",
        "lang:fr",
        "mail",
        "team:desk",
        "team:net",
        "vpn",
    ]
    assert profile.shift_state(MONDAY_9) == ShiftState(on_shift=True, next_change_at=None)


def current_agent() -> Agent:
    return Agent(
        id=uuid.uuid4(),
        name="Ann",
        team="net",
        teams=["net", "desk"],
        email="ann@example.com",
        skills=[SkillLevel(name="vpn", proficiency=4)],
        languages=["en"],
        capacity=2,
        load=0,
        status="online",
        time_zone="UTC",
        shifts=[Shift(days=["mon"], start=time(10), end=time(18))],
        on_shift=False,
        next_shift_change_at=None,
        last_assigned_at=None,
        created_at=MONDAY_9,
    )


def test_a_change_keeps_what_it_leaves_out_and_the_home_team() -> None:
    profile = changed_profile(current_agent(), AgentChange(teams=["desk"], capacity=5))
    assert profile.teams == ["net", "desk"]
    assert (profile.name, profile.email, profile.capacity) == ("Ann", "ann@example.com", 5)
    assert profile.skill_levels == {"vpn": 4}
    assert profile.shift_state(MONDAY_9) == ShiftState(
        on_shift=False, next_change_at=MONDAY_9.replace(hour=10)
    )


def test_clearing_shifts_means_always_on_shift() -> None:
    profile = changed_profile(current_agent(), AgentChange(clear_shifts=True, skills=["mail"]))
    assert profile.shifts is None
    assert profile.skill_levels == {"mail": 3}
    assert profile.shift_state(MONDAY_9).on_shift
