"""Weeks of made-up desk history as the typed events the services publish, so a fresh insights
has something to forecast, staff and score. Pure and seeded: the same arguments give the same
events (ids included), in time order.

Arrivals are Poisson per 15 minutes with daily and weekly seasonality, a mild trend and holiday
dips; each team's agents work shifts and answer in arrival order (one queue per team), so weeks
with people off sick build queues and breach SLAs.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from ticketflow_common.envelope import EventData
from ticketflow_common.events.routing import AgentChanged, TeamChanged
from ticketflow_common.events.sla import CalendarChanged, CalendarHoliday
from ticketflow_insights.domain.synthetic_desk import (
    DEFAULT_TEAMS,
    HOLIDAY_FACTOR,
    HOURLY_WEIGHTS,
    WEEKDAY_FACTORS,
    TeamProfile,
)
from ticketflow_insights.domain.synthetic_tickets import TicketSimulation, Window

HISTORY_NAMESPACE = UUID("5b0d6a57-2f7e-4a51-9d3c-8a1f0e6c4b21")
SLOT = timedelta(minutes=15)
WEEK = timedelta(days=7)
TREND_PER_HISTORY = 0.10
"""Arrivals grow by this share from the first week to the last."""
SICK_SHARE = 0.4
"""Share of a team's people off for a whole understaffed week."""


class HistoryEvent(NamedTuple):
    occurred_at: datetime
    data: EventData


def history_event_id(event: HistoryEvent) -> UUID:
    """A stable id from the event's content: applying the same history twice is a no-op."""
    key = f"{event.data.event_type}|{event.occurred_at.isoformat()}|{event.data.model_dump_json()}"
    return uuid5(HISTORY_NAMESPACE, key)


def history_subject(data: EventData) -> str:
    """The key the publishing service would have used: ticket, agent, team or calendar."""
    for attribute in ("ticket_id", "agent_id", "team", "name"):
        value = getattr(data, attribute, None)
        if value is not None:
            return str(value)
    return data.event_type


@dataclass
class _Recorder:
    """Collects events with a sequence number so simultaneous ones keep their causal order."""

    events: list[tuple[datetime, int, EventData]] = field(default_factory=list)

    def add(self, at: datetime, data: EventData) -> None:
        self.events.append((at, len(self.events), data))


def synthetic_history(
    *,
    start: datetime,
    weeks: int,
    teams: Sequence[TeamProfile] = DEFAULT_TEAMS,
    seed: int = 7,
    volume: float = 1.0,
    until: datetime | None = None,
) -> list[HistoryEvent]:
    """`weeks` of history from `start` (events after `until`, if given, are left out), with
    arrivals scaled by `volume`."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if weeks < 1:
        raise ValueError("weeks must be >= 1")
    if volume < 0:
        raise ValueError("volume must be >= 0")
    rng = random.Random(seed)  # noqa: S311 - a reproducible demo, not security
    end = start + weeks * WEEK
    holidays = _holidays(rng, start, weeks)
    understaffed = _understaffed_weeks(rng, weeks)
    recorder = _Recorder()
    _announce_calendar(recorder, start, holidays)
    plans = []
    for profile in teams:
        windows = _agent_windows(rng, profile, start, end, holidays, understaffed)
        arrivals = _arrivals(rng, profile, start, end, holidays, volume)
        plans.append((profile, windows, arrivals))
    for profile, windows, arrivals in plans:
        simulation = TicketSimulation(rng=rng, profile=profile, windows=windows, add=recorder.add)
        _announce_team(recorder, simulation, start)
        for at in arrivals:
            simulation.ticket(at)
    limit = until if until is not None else end
    ordered = sorted(recorder.events, key=lambda item: (item[0], item[1]))
    return [HistoryEvent(at, data) for at, _, data in ordered if at <= limit]


def understaffed_weeks(*, weeks: int, seed: int, start: datetime) -> list[int]:
    """The week indices the history with these arguments has people off (for its docs/tests)."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible demo, not security
    _holidays(rng, start, weeks)
    return sorted(_understaffed_weeks(rng, weeks))


def _holidays(rng: random.Random, start: datetime, weeks: int) -> list[date]:
    """One weekday holiday every third week, starting with the second."""
    days = []
    for week in range(1, weeks, 3):
        monday = (start + week * WEEK).date() - timedelta(days=start.weekday())
        days.append(monday + timedelta(days=rng.randrange(5)))
    return days


def _understaffed_weeks(rng: random.Random, weeks: int) -> set[int]:
    if weeks < 2:
        return set()
    return set(rng.sample(range(weeks), k=max(1, weeks // 3)))


def _announce_calendar(recorder: _Recorder, start: datetime, holidays: list[date]) -> None:
    at = start - timedelta(hours=2)
    recorder.add(
        at,
        CalendarChanged(
            name="default",
            change="created",
            time_zone="UTC",
            week={day: [("08:00", "18:00")] for day in ("mon", "tue", "wed", "thu", "fri")},
            holidays=[CalendarHoliday(first_day=d, last_day=d, name="Holiday") for d in holidays],
            changed_at=at,
        ),
    )


def _announce_team(recorder: _Recorder, simulation: TicketSimulation, start: datetime) -> None:
    profile = simulation.profile
    at = start - timedelta(hours=2)
    lead = simulation.agents[0].agent_id if simulation.agents else None
    recorder.add(
        at,
        TeamChanged(
            team=profile.team, name=profile.name, change="created", archived=False, version=1,
            changed_at=at, lead_agent_id=lead, strategy="skills_load",
        ),
    )  # fmt: skip
    for agent in simulation.agents:
        joined = at + timedelta(minutes=30)
        recorder.add(
            joined,
            AgentChanged(
                agent_id=agent.agent_id, name=agent.name, change="created", version=1,
                teams=[profile.team], email=agent.email, capacity=4, status="offline",
                time_zone=profile.time_zone, shifts=list(agent.shifts), changed_at=joined,
            ),
        )  # fmt: skip
        for window in agent.windows:
            simulation.status(agent, window.start, "offline", "online")
            simulation.status(agent, window.end, "online", "offline")


def _agent_windows(
    rng: random.Random,
    profile: TeamProfile,
    start: datetime,
    end: datetime,
    holidays: list[date],
    understaffed: set[int],
) -> list[list[Window]]:
    """Each agent's working windows (UTC), without holidays and their weeks off sick."""
    zone = ZoneInfo(profile.time_zone)
    off: dict[int, set[int]] = {}
    for week in understaffed:
        count = max(1, round(SICK_SHARE * len(profile.agent_shifts)))
        off[week] = set(rng.sample(range(len(profile.agent_shifts)), k=count))
    result = []
    local_start = start.astimezone(zone).date() - timedelta(days=1)
    days = (end - start).days + 2
    for index, shifts in enumerate(profile.agent_shifts):
        windows = []
        for offset in range(days):
            day = local_start + timedelta(days=offset)
            if day in holidays:
                continue
            weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
            for shift in shifts:
                if weekday not in shift.days:
                    continue
                opens = datetime.combine(day, shift.start, zone).astimezone(UTC)
                closes_day = day if shift.end > shift.start else day + timedelta(days=1)
                closes = datetime.combine(closes_day, shift.end, zone).astimezone(UTC)
                week = math.floor((opens - start) / WEEK)
                if closes <= start or opens >= end or index in off.get(week, set()):
                    continue
                windows.append(Window(max(opens, start), min(closes, end)))
        windows.sort(key=lambda w: w.start)
        result.append(windows)
    return result


def _arrivals(
    rng: random.Random,
    profile: TeamProfile,
    start: datetime,
    end: datetime,
    holidays: list[date],
    volume: float,
) -> list[datetime]:
    """Poisson arrivals per 15 minutes at a rate shaped by local hour, weekday, trend, holidays
    and a little day-to-day noise."""
    zone = ZoneInfo(profile.time_zone)
    hourly_total = sum(HOURLY_WEIGHTS)
    day_noise: dict[date, float] = {}
    arrivals: list[datetime] = []
    slot = start
    while slot < end:
        local = slot.astimezone(zone)
        day = local.date()
        if day not in day_noise:
            day_noise[day] = max(0.5, rng.gauss(1.0, 0.08))
        progress = (slot - start) / (end - start)
        rate = (
            profile.daily_arrivals
            * volume
            * HOURLY_WEIGHTS[local.hour]
            / hourly_total
            / 4
            * WEEKDAY_FACTORS[local.weekday()]
            * (1 + TREND_PER_HISTORY * progress)
            * (HOLIDAY_FACTOR if day in holidays else 1.0)
            * day_noise[day]
        )
        count = _poisson(rng, rate)
        offsets = sorted(rng.uniform(0, SLOT.total_seconds()) for _ in range(count))
        arrivals.extend(slot + timedelta(seconds=round(offset)) for offset in offsets)
        slot += SLOT
    return arrivals


def _poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method: fine for the small rates of one 15-minute slot."""
    if rate <= 0:
        return 0
    limit = math.exp(-rate)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


__all__ = [
    "HISTORY_NAMESPACE",
    "HistoryEvent",
    "history_event_id",
    "history_subject",
    "synthetic_history",
    "understaffed_weeks",
]
