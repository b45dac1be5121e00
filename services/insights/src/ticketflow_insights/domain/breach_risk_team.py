"""Who can take a team's tickets now, and what its history says: the model's `TeamSituation`
from the agents' facts (status, shifts in their time zones, capacity) and past durations."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ticketflow_insights.domain.breach_risk import Survival, TeamSituation

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class AgentOnRecord:
    """An agent as the facts know them; `shifts` None: no schedule, always on shift."""

    teams: tuple[str, ...]
    status: str
    capacity: int
    time_zone: str = "UTC"
    shifts: tuple[Mapping[str, Any], ...] | None = None


@dataclass(frozen=True)
class TeamHistory:
    """A team's past durations in seconds (resolution: finished, and ages of open ones)."""

    replies: tuple[float, ...] = ()
    handling: tuple[float, ...] = ()
    resolutions: tuple[float, ...] = ()
    work: tuple[float, ...] = ()
    """First answer to resolution."""
    open_ages: tuple[float, ...] = field(default=())


def on_shift(agent: AgentOnRecord, now: datetime) -> bool:
    """Within one of the agent's weekly shifts (local times; an end at or before the start
    runs past midnight); an unknown time zone counts as UTC."""
    if agent.shifts is None:
        return True
    zone = _zone(agent.time_zone)
    today = now.astimezone(zone).date()
    for offset in (-1, 0):
        day = today + timedelta(days=offset)
        for shift in agent.shifts:
            if WEEKDAYS[day.weekday()] not in shift.get("days", ()):
                continue
            start, end = _local(shift.get("start")), _local(shift.get("end"))
            if start is None or end is None:
                continue
            end_day = day if end > start else day + timedelta(days=1)
            if _at(day, start, zone) <= now < _at(end_day, end, zone):
                return True
    return False


def team_situation(
    team: str | None,
    agents: Iterable[AgentOnRecord],
    history: TeamHistory,
    *,
    now: datetime,
) -> TeamSituation:
    """Slots are the capacities of the team's agents who are both online and on shift; a
    ticket of no team may go to anyone."""
    members = [a for a in agents if team is None or team in a.teams]
    scheduled = [a for a in members if on_shift(a, now)]
    available = [a for a in scheduled if a.status == "online"]
    handling = [h for h in history.handling if h > 0]
    later_in, later_slots = None, 0
    if not available:
        later_in, later_slots = _next_shift(members, now)
    return TeamSituation(
        team=team,
        agents_on_shift=len(scheduled),
        agents_online=sum(1 for a in members if a.status == "online"),
        slots=sum(max(1, a.capacity) for a in available),
        mean_handle_seconds=sum(handling) / len(handling) if handling else None,
        reply=Survival.fit(history.replies),
        resolution=Survival.fit(history.resolutions, history.open_ages),
        work=Survival.fit(history.work),
        later_in_seconds=later_in,
        later_slots=later_slots,
    )


def next_shift_start(agent: AgentOnRecord, now: datetime) -> datetime | None:
    """The first start of one of the agent's shifts after `now`, within a week."""
    if not agent.shifts:
        return None
    zone = _zone(agent.time_zone)
    today = now.astimezone(zone).date()
    starts = []
    for offset in range(8):
        day = today + timedelta(days=offset)
        for shift in agent.shifts:
            start = _local(shift.get("start"))
            if start is not None and WEEKDAYS[day.weekday()] in shift.get("days", ()):
                at = _at(day, start, zone)
                if at > now:
                    starts.append(at)
    return min(starts, default=None)


def _next_shift(members: Iterable[AgentOnRecord], now: datetime) -> tuple[float | None, int]:
    """Seconds until the first agent not on shift now starts one, and the slots of those who
    start within the hour after."""
    coming = [
        (start, a)
        for a in members
        if not on_shift(a, now) and (start := next_shift_start(a, now)) is not None
    ]
    if not coming:
        return None, 0
    first = min(start for start, _ in coming)
    slots = sum(max(1, a.capacity) for start, a in coming if start <= first + timedelta(hours=1))
    return (first - now).total_seconds(), slots


def _zone(name: str) -> Any:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _local(value: object) -> time | None:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            return None
    return None


def _at(day: date, at: time, zone: Any) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
