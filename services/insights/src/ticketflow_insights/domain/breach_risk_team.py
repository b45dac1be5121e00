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
    open_ages: tuple[float, ...] = field(default=())


def on_shift(agent: AgentOnRecord, now: datetime) -> bool:
    """Within one of the agent's weekly shifts (local times; an end at or before the start
    runs past midnight); an unknown time zone counts as UTC."""
    if agent.shifts is None:
        return True
    try:
        zone: ZoneInfo | Any = ZoneInfo(agent.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
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
    return TeamSituation(
        team=team,
        agents_on_shift=len(scheduled),
        agents_online=sum(1 for a in members if a.status == "online"),
        slots=sum(max(1, a.capacity) for a in available),
        mean_handle_seconds=sum(handling) / len(handling) if handling else None,
        reply=Survival.fit(history.replies),
        resolution=Survival.fit(history.resolutions, history.open_ages),
    )


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
