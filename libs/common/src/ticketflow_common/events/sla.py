"""`sla.events.v1`: clocks starting, pausing, warning, breaching, escalating; calendars.

Key: ticket id (calendar name for calendar events).
"""

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common import topics
from ticketflow_common.envelope import EventData
from ticketflow_common.events.common import Priority

Metric = Literal["first_response", "next_response", "resolution"]


class SlaFacts(EventData):
    """What every SLA event carries, so subscribers can filter by team, priority and policy."""

    topic: ClassVar[str] = topics.SLA

    ticket_id: UUID
    clock_id: UUID
    metric: Metric
    policy: str
    cycle: int = Field(default=1, description="Resolution cycles restart when a ticket reopens.")
    priority: Priority | None = None
    team: str | None = None
    assignee_id: UUID | None = None


class SlaStarted(SlaFacts):
    event_type: ClassVar[str] = "sla.started"

    target_seconds: float
    started_at: datetime
    due_at: datetime


class SlaPaused(SlaFacts):
    event_type: ClassVar[str] = "sla.paused"

    reason: str
    paused_at: datetime


class SlaResumed(SlaFacts):
    event_type: ClassVar[str] = "sla.resumed"

    resumed_at: datetime
    due_at: datetime


class SlaWarning(SlaFacts):
    event_type: ClassVar[str] = "sla.warning"

    threshold: str = Field(description='What fired it, e.g. "50%" or "15m-before".')
    due_at: datetime
    fired_at: datetime
    timer_due_at: datetime | None = Field(
        default=None, description="When this warning was due; fired_at minus it is its lateness."
    )


class SlaBreached(SlaFacts):
    event_type: ClassVar[str] = "sla.breached"

    due_at: datetime
    fired_at: datetime


class SlaMet(SlaFacts):
    event_type: ClassVar[str] = "sla.met"

    due_at: datetime
    met_at: datetime
    business_seconds_used: float | None = None


class SlaCancelled(SlaFacts):
    event_type: ClassVar[str] = "sla.cancelled"

    reason: str
    cancelled_at: datetime


class EscalationTarget(BaseModel):
    """Who an escalation is for; notify resolves it to addresses."""

    kind: Literal["owner", "team_lead", "person", "group"]
    id: str | None = None
    email: str | None = None


class SlaEscalated(SlaFacts):
    event_type: ClassVar[str] = "sla.escalated"

    level: int = Field(ge=1)
    targets: list[EscalationTarget]
    repeat: int = Field(default=0, ge=0, description="0 the first time a level fires.")
    due_at: datetime
    fired_at: datetime
    timer_due_at: datetime | None = Field(
        default=None, description="When this escalation was due; fired_at minus it is its lateness."
    )


class SlaRecalculated(SlaFacts):
    """Another policy or target now applies (priority, category, team... changed); the business
    time already spent is kept."""

    event_type: ClassVar[str] = "sla.recalculated"

    previous_policy: str
    target_seconds: float
    business_seconds_used: float
    due_at: datetime | None = Field(description="None while the clock is paused.")
    recalculated_at: datetime


CalendarChange = Literal["created", "updated", "archived"]


class CalendarHoliday(BaseModel):
    """Closed from `first_day` to `last_day` (inclusive) in the calendar's time zone."""

    first_day: date
    last_day: date
    name: str | None = None


class CalendarChanged(EventData):
    """A business calendar was created, changed or archived: its zone, hours and holidays, so
    consumers (insights' forecasts) know the days a desk is closed."""

    event_type: ClassVar[str] = "calendar.changed"
    topic: ClassVar[str] = topics.SLA

    name: str
    change: CalendarChange
    time_zone: str
    always_open: bool = False
    week: dict[str, list[tuple[str, str]]] = Field(
        default_factory=dict, description='Weekday ("mon") to [start, end] local times.'
    )
    holidays: list[CalendarHoliday] = Field(
        default_factory=list, description="Dated holidays and the expansions of recurring ones."
    )
    changed_at: datetime


MODELS: tuple[type[EventData], ...] = (
    SlaStarted,
    SlaPaused,
    SlaResumed,
    SlaWarning,
    SlaBreached,
    SlaMet,
    SlaCancelled,
    SlaEscalated,
    SlaRecalculated,
    CalendarChanged,
)
