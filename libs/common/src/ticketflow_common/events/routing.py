"""`routing.events.v1`: ownership decisions, agent availability and teams.

Key: ticket id (agent id for agent events, team id for team events).
"""

from datetime import datetime, time
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common import topics
from ticketflow_common.envelope import EventData
from ticketflow_common.events.common import AgentStatus, AutomationCause, Priority

RoutingStrategy = Literal["skills_load", "round_robin", "least_loaded"]
TeamChange = Literal["created", "updated", "archived"]
AgentChange = Literal["created", "updated", "removed"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
UnassignReason = Literal[
    "agent_away", "agent_offline", "shift_ended", "pickup_timeout", "manual", "transferred"
]


class ScoreBreakdown(BaseModel):
    """How one candidate scored; every part is in [0, 1], `total` is their weighted sum."""

    agent_id: UUID
    agent_name: str
    total: float
    proficiency: float = Field(description="Mean proficiency in the required skills, over 5.")
    load: float = Field(description="1 - load / capacity: spare capacity.")
    fairness: float = Field(description="Time since the last assignment, capped at a horizon.")
    handling_time: float = Field(
        description="Learned speed in this category relative to the other candidates."
    )
    load_before: int
    capacity: int
    mean_handling_seconds: float | None = None


class Exclusion(BaseModel):
    """An agent who was not eligible, and every hard constraint they failed."""

    agent_id: UUID
    agent_name: str
    reasons: list[str]


class TicketAssigned(EventData):
    event_type: ClassVar[str] = "ticket.assigned"
    topic: ClassVar[str] = topics.ROUTING

    ticket_id: UUID
    agent_id: UUID
    agent_name: str
    team: str
    assigned_at: datetime
    agent_email: str | None = None
    team_lead_id: UUID | None = None
    team_lead_email: str | None = None
    strategy: RoutingStrategy | Literal["previous_owner", "manual"] | None = None
    reason: str | None = Field(
        default=None, description="new, queue, reopened, reassigned, transferred, manual."
    )
    previous_agent_id: UUID | None = None
    score: ScoreBreakdown | None = None
    alternatives: list[ScoreBreakdown] = Field(default_factory=list)
    exclusions: list[Exclusion] = Field(default_factory=list)
    caused_by: AutomationCause | None = None


class TicketQueued(EventData):
    event_type: ClassVar[str] = "ticket.queued"
    topic: ClassVar[str] = topics.ROUTING

    ticket_id: UUID
    required_skills: list[str]
    reason: str
    queued_at: datetime
    team: str | None = None
    priority: Priority | None = None
    position: int | None = Field(
        default=None, description="1-based place in the team's queue when it was queued."
    )
    exclusions: list[Exclusion] = Field(default_factory=list)
    caused_by: AutomationCause | None = None


class TicketUnassigned(EventData):
    """The owner was taken off the ticket; a `ticket.assigned` or `ticket.queued` follows."""

    event_type: ClassVar[str] = "ticket.unassigned"
    topic: ClassVar[str] = topics.ROUTING

    ticket_id: UUID
    agent_id: UUID
    team: str | None = None
    reason: UnassignReason
    unassigned_at: datetime
    caused_by: AutomationCause | None = None


class AgentStatusChanged(EventData):
    event_type: ClassVar[str] = "agent.status_changed"
    topic: ClassVar[str] = topics.ROUTING

    agent_id: UUID
    team: str
    previous_status: AgentStatus
    status: AgentStatus
    changed_at: datetime


class TeamChanged(EventData):
    """A team was created (also implicitly, by an agent's membership), changed or archived.

    `version` grows with every change of the team: apply an event only when it is newer.
    """

    event_type: ClassVar[str] = "team.changed"
    topic: ClassVar[str] = topics.ROUTING

    team: str = Field(description="The team's id, as tickets and agents name it.")
    name: str
    change: TeamChange
    archived: bool
    version: int
    changed_at: datetime
    lead_agent_id: UUID | None = None
    strategy: RoutingStrategy | None = None


class WeeklyShift(BaseModel):
    """Working time on `days` from `start` to `end` in the agent's time zone; an `end` at or
    before `start` runs past midnight."""

    days: list[Weekday]
    start: time
    end: time


class AgentChanged(EventData):
    """An agent was added, changed or removed: who they are, their teams and their schedule.

    `version` grows with every change of the agent: apply an event only when it is newer.
    """

    event_type: ClassVar[str] = "agent.changed"
    topic: ClassVar[str] = topics.ROUTING

    agent_id: UUID
    name: str
    change: AgentChange
    version: int
    teams: list[str] = Field(description="Home team first.")
    email: str | None = None
    capacity: int
    status: AgentStatus
    time_zone: str = "UTC"
    shifts: list[WeeklyShift] | None = Field(
        default=None, description="None: no schedule, always on shift; []: never on shift."
    )
    changed_at: datetime


MODELS: tuple[type[EventData], ...] = (
    TicketAssigned,
    TicketQueued,
    TicketUnassigned,
    AgentStatusChanged,
    TeamChanged,
    AgentChanged,
)
