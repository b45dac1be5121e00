"""The demo history: deterministic, in time order, seasonal, and every ticket's story coherent."""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from statistics import mean
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from ticketflow_common.events.routing import AgentChanged, TicketAssigned, TicketQueued
from ticketflow_common.events.sla import (
    CalendarChanged,
    SlaBreached,
    SlaFacts,
    SlaMet,
    SlaStarted,
    SlaWarning,
)
from ticketflow_common.events.tickets import (
    TicketCommented,
    TicketCreated,
    TicketFacts,
    TicketFeedbackReceived,
    TicketStatusChanged,
)
from ticketflow_insights.domain.synthetic_desk import DEFAULT_TEAMS
from ticketflow_insights.domain.synthetic_history import (
    HistoryEvent,
    history_event_id,
    synthetic_history,
    understaffed_weeks,
)

START = datetime(2026, 10, 19, tzinfo=UTC)  # a Monday
WEEKS = 6


@pytest.fixture(scope="module")
def history() -> list[HistoryEvent]:
    return synthetic_history(start=START, weeks=WEEKS, seed=7)


def _dump(events: list[HistoryEvent]) -> list[tuple[datetime, str, UUID]]:
    return [(e.occurred_at, e.data.model_dump_json(), history_event_id(e)) for e in events]


def test_the_same_seed_gives_the_same_events_and_ids(history: list[HistoryEvent]) -> None:
    again = synthetic_history(start=START, weeks=WEEKS, seed=7)
    assert _dump(again) == _dump(history)
    other = synthetic_history(start=START, weeks=WEEKS, seed=8)
    assert _dump(other) != _dump(history)


def test_event_ids_are_unique(history: list[HistoryEvent]) -> None:
    ids = [history_event_id(event) for event in history]
    assert len(set(ids)) == len(ids)


def test_events_are_in_time_order_and_end_by_until(history: list[HistoryEvent]) -> None:
    times = [event.occurred_at for event in history]
    assert times == sorted(times)
    until = datetime(2026, 11, 4, 12, tzinfo=UTC)
    cut = synthetic_history(start=START, weeks=WEEKS, seed=7, until=until)
    assert cut
    assert max(e.occurred_at for e in cut) <= until
    assert _dump(cut) == _dump([e for e in history if e.occurred_at <= until])


def _created(history: list[HistoryEvent]) -> list[TicketCreated]:
    return [e.data for e in history if isinstance(e.data, TicketCreated)]


def test_arrivals_have_a_weekly_pattern(history: list[HistoryEvent]) -> None:
    holidays = {
        holiday.first_day
        for event in history
        if isinstance(event.data, CalendarChanged)
        for holiday in event.data.holidays
    }
    assert holidays
    zones = {profile.team: ZoneInfo(profile.time_zone) for profile in DEFAULT_TEAMS}
    for profile in DEFAULT_TEAMS:
        per_day: Counter[date] = Counter(
            ticket.created_at.astimezone(zones[profile.team]).date()
            for ticket in _created(history)
            if ticket.team == profile.team
        )
        days = [d for d in per_day if START.date() < d < date(2026, 11, 29)]
        weekdays = [per_day[d] for d in days if d.weekday() < 5 and d not in holidays]
        weekend = [per_day[d] for d in days if d.weekday() >= 5]
        assert mean(weekdays) > 2 * mean(weekend), profile.team
        assert max(per_day[d] for d in holidays) < 0.5 * mean(weekdays), profile.team


def test_arrivals_peak_by_day_and_are_low_at_night(history: list[HistoryEvent]) -> None:
    hours = Counter(
        ticket.created_at.hour for ticket in _created(history) if ticket.team == "it-support"
    )
    assert hours[10] > 4 * hours[3]
    assert hours[14] > 4 * hours[23]


def test_teams_agents_and_subjects_include_chinese(history: list[HistoryEvent]) -> None:
    tickets = _created(history)
    assert {ticket.team for ticket in tickets} == {"it-support", "facilities", "财务"}
    assert any(ticket.language == "zh" and "系统" in ticket.subject for ticket in tickets)
    assert any(ticket.language == "en" for ticket in tickets)
    agents = [e.data for e in history if isinstance(e.data, AgentChanged)]
    assert len(agents) == sum(len(p.agent_names) for p in DEFAULT_TEAMS)
    assert all(agent.shifts for agent in agents)


def test_understaffed_weeks_breach_more(history: list[HistoryEvent]) -> None:
    short = set(understaffed_weeks(weeks=WEEKS, seed=7, start=START))
    assert short
    assert len(short) < WEEKS
    started: Counter[bool] = Counter()
    breached: Counter[bool] = Counter()
    for event in history:
        if isinstance(event.data, SlaFacts) and event.data.metric == "first_response":
            week = (event.occurred_at - START).days // 7
            if isinstance(event.data, SlaStarted):
                started[week in short] += 1
            elif isinstance(event.data, SlaBreached):
                breached[week in short] += 1
    assert breached[False] > 0
    assert breached[True] / started[True] > breached[False] / started[False]


def test_ratings_are_mostly_good(history: list[HistoryEvent]) -> None:
    ratings = [e.data.rating for e in history if isinstance(e.data, TicketFeedbackReceived)]
    assert ratings
    assert sum(1 for r in ratings if r >= 4) > 0.7 * len(ratings)


def test_every_ticket_tells_a_consistent_story(history: list[HistoryEvent]) -> None:
    by_ticket: dict[UUID, list[HistoryEvent]] = defaultdict(list)
    for event in history:
        ticket_id = getattr(event.data, "ticket_id", None)
        if ticket_id is not None:
            by_ticket[ticket_id].append(event)
    assert len(by_ticket) == len(_created(history))
    for events in by_ticket.values():
        _check_ticket(events)


def _check_ticket(events: list[HistoryEvent]) -> None:
    first = events[0].data
    assert isinstance(first, TicketCreated)
    status, version, owner = first.status, first.version, None
    first_responses = 0
    clocks: dict[UUID, list[str]] = defaultdict(list)
    resolved = False
    for event in events[1:]:
        data = event.data
        if isinstance(data, TicketFacts):
            assert data.version > version
            version = data.version
        if isinstance(data, TicketStatusChanged):
            assert data.previous_status == status
            assert data.reopened == (status == "resolved" and data.status == "open")
            status = data.status
            resolved = resolved or status == "resolved"
        elif isinstance(data, TicketAssigned):
            owner = data.agent_id
        elif isinstance(data, TicketQueued):
            assert owner is None
            assert data.position is not None
            assert data.position >= 1
        elif isinstance(data, TicketCommented):
            if data.first_response:
                assert data.author_role == "agent"
                assert owner is not None
                first_responses += 1
            elif data.author_role == "agent":
                assert first_responses == 1
        elif isinstance(data, TicketFeedbackReceived):
            assert resolved
        elif isinstance(data, SlaFacts):
            clocks[data.clock_id].append(data.event_type)
            if isinstance(data, SlaMet | SlaBreached | SlaWarning):
                assert clocks[data.clock_id][0] == SlaStarted.event_type
    assert first_responses <= 1
    for kinds in clocks.values():
        assert not ("sla.met" in kinds and "sla.breached" in kinds)
        assert kinds.count("sla.started") == 1
