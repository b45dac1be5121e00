"""Agents as the API shows and accepts them, and what routing needs to know of one."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ticketflow_common.events import SkillTag, TeamKey
from ticketflow_common.input_model import InputModel
from ticketflow_common.time_zones import TimeZoneName
from ticketflow_routing.domain.shifts import Shift, ShiftState, shift_state

AgentStatus = Literal["online", "away", "offline"]
TeamId = TeamKey
LanguageCode = Annotated[
    str, StringConstraints(min_length=2, max_length=16, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
]
DEFAULT_PROFICIENCY = 3


class SkillLevel(InputModel):
    model_config = ConfigDict(frozen=True)

    name: SkillTag
    proficiency: int = Field(default=DEFAULT_PROFICIENCY, ge=1, le=5)


SkillInput = SkillTag | SkillLevel


def skill_levels(skills: list[SkillInput]) -> dict[str, int]:
    """A plain tag counts at the default proficiency; a repeated skill keeps its highest."""
    levels: dict[str, int] = {}
    for skill in skills:
        level = skill if isinstance(skill, SkillLevel) else SkillLevel(name=skill)
        levels[level.name] = max(levels.get(level.name, 0), level.proficiency)
    return levels


def routing_keys(*, skills: list[str], teams: list[str], languages: list[str]) -> list[str]:
    """Every set-membership constraint as one array, matched by a single GIN lookup."""
    return sorted({*skills, *(f"team:{t}" for t in teams), *(f"lang:{lang}" for lang in languages)})


class NewAgent(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Grace",
                    "team": "it-support",
                    "email": "grace@example.com",
                    "skills": ["network", {"name": "vpn", "proficiency": 5}],
                    "languages": ["en", "fr"],
                    "capacity": 5,
                    "time_zone": "Europe/Paris",
                    "shifts": [{"days": ["mon", "tue"], "start": "09:00", "end": "17:00"}],
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    team: TeamId = Field(description="The agent's home team; also a member of `teams`.")
    teams: list[TeamId] = Field(default_factory=list, max_length=20)
    email: str | None = Field(default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    skills: list[SkillInput] = Field(default_factory=list, max_length=50)
    languages: list[LanguageCode] = Field(
        default_factory=lambda: ["en"], min_length=1, max_length=20
    )
    capacity: int = Field(ge=0, le=1000)
    status: AgentStatus = "online"
    time_zone: TimeZoneName = "UTC"
    shifts: list[Shift] | None = Field(
        default=None, max_length=50, description="None: always on shift."
    )


class AgentChange(InputModel):
    """Fields to change; those left out stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    teams: list[TeamId] | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    skills: list[SkillInput] | None = Field(default=None, max_length=50)
    languages: list[LanguageCode] | None = Field(default=None, min_length=1, max_length=20)
    capacity: int | None = Field(default=None, ge=0, le=1000)
    time_zone: TimeZoneName | None = None
    shifts: list[Shift] | None = None
    clear_shifts: bool = Field(default=False, description="True: no schedule, always on shift.")


class StatusChange(InputModel):
    status: AgentStatus


class Agent(BaseModel):
    id: UUID
    name: str
    team: str
    teams: list[str]
    email: str | None
    skills: list[SkillLevel]
    languages: list[str]
    capacity: int
    load: int
    status: AgentStatus
    time_zone: str
    shifts: list[Shift] | None
    on_shift: bool
    next_shift_change_at: datetime | None
    last_assigned_at: datetime | None
    created_at: datetime
    archived_at: datetime | None = None
    version: int = Field(default=1, description="Grows with every change, as `agent.changed`.")


@dataclass(frozen=True)
class RoutableAgent:
    """What the hard constraints and the score look at."""

    agent_id: UUID
    name: str
    team: str
    email: str | None
    teams: tuple[str, ...]
    skill_levels: dict[str, int]
    languages: tuple[str, ...]
    status: str
    load: int
    capacity: int
    time_zone: str
    shifts: list[Shift] | None
    last_assigned_at: datetime | None


@dataclass(frozen=True)
class AgentProfile:
    """An agent's row besides its id, home team, status and load."""

    name: str
    teams: list[str]
    email: str | None
    skill_levels: dict[str, int]
    languages: list[str]
    capacity: int
    time_zone: str
    shifts: list[Shift] | None

    @property
    def routing_keys(self) -> list[str]:
        return routing_keys(
            skills=list(self.skill_levels), teams=self.teams, languages=self.languages
        )

    def shift_state(self, now: datetime) -> ShiftState:
        return shift_state(self.shifts, self.time_zone, now)


def new_profile(new: NewAgent) -> AgentProfile:
    """A new agent: a member of their home team too; repeated teams or languages count once."""
    return AgentProfile(
        name=new.name,
        teams=list(dict.fromkeys([new.team, *new.teams])),
        email=new.email,
        skill_levels=skill_levels(new.skills),
        languages=list(dict.fromkeys(new.languages)),
        capacity=new.capacity,
        time_zone=new.time_zone,
        shifts=new.shifts,
    )


def changed_profile(current: Agent, change: AgentChange) -> AgentProfile:
    """The given fields changed, the others as they are; still a member of the home team."""
    levels = (
        skill_levels(change.skills)
        if change.skills is not None
        else {s.name: s.proficiency for s in current.skills}
    )
    return AgentProfile(
        name=change.name or current.name,
        teams=list(dict.fromkeys([current.team, *(change.teams or current.teams)])),
        email=change.email if change.email is not None else current.email,
        skill_levels=levels,
        languages=list(dict.fromkeys(change.languages or current.languages)),
        capacity=change.capacity if change.capacity is not None else current.capacity,
        time_zone=change.time_zone or current.time_zone,
        shifts=None if change.clear_shifts else (change.shifts or current.shifts),
    )
