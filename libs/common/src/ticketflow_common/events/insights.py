"""`insights.events.v1`: what insights sees coming (staffing gaps, tickets at risk) and its reports.

Key: team id for staffing gaps, ticket id for at-risk tickets, report id for reports.
"""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common import topics
from ticketflow_common.envelope import EventData
from ticketflow_common.events.common import Priority
from ticketflow_common.events.sla import Metric

ReportKind = Literal["weekly", "monthly", "quarterly"]


class StaffingGapForecast(EventData):
    """Fewer agents are scheduled than the forecast needs in a coming window of one team."""

    event_type: ClassVar[str] = "staffing.gap_forecast"
    topic: ClassVar[str] = topics.INSIGHTS

    gap_id: UUID = Field(description="Stable for one team's window: a re-forecast updates it.")
    team: str
    team_name: str | None = None
    starts_at: datetime
    ends_at: datetime
    interval_minutes: int = Field(gt=0)
    forecast_arrivals: float = Field(ge=0, description="Arrivals forecast for the whole window.")
    required_agents: int = Field(ge=0, description="The most any interval of the window needs.")
    scheduled_agents: int = Field(ge=0, description="The fewest any interval of the window has.")
    shortfall: int = Field(gt=0, description="The largest required - scheduled of its intervals.")
    service_level_target: float = Field(gt=0, le=1)
    answer_within_seconds: float = Field(gt=0)
    team_lead_id: UUID | None = None
    team_lead_email: str | None = None
    forecast_at: datetime


class SlaAtRisk(EventData):
    """An open ticket's chance of missing an SLA target crossed the threshold, before any
    warning fired."""

    event_type: ClassVar[str] = "sla.at_risk"
    topic: ClassVar[str] = topics.INSIGHTS

    ticket_id: UUID
    metric: Metric
    cycle: int = 1
    team: str | None = None
    priority: Priority | None = None
    assignee_id: UUID | None = None
    assignee_email: str | None = None
    team_lead_email: str | None = None
    probability: float = Field(ge=0, le=1)
    threshold: float = Field(ge=0, le=1)
    due_at: datetime
    reasons: list[str] = Field(default_factory=list, description="Why, in words, biggest first.")
    assessed_at: datetime


class ReportFigure(BaseModel):
    """One headline figure of a report beside its target and the previous period."""

    name: str
    value: float | None
    target: float | None = None
    previous: float | None = None
    unit: str = ""


class ReportPublished(EventData):
    """A scheduled report was stored; its pages are at `links`, its leads are `recipients`."""

    event_type: ClassVar[str] = "report.published"
    topic: ClassVar[str] = topics.INSIGHTS

    report_id: UUID
    kind: ReportKind
    team: str | None = Field(description="None for the whole organisation.")
    period_start: datetime
    period_end: datetime
    title: str
    figures: list[ReportFigure] = Field(default_factory=list)
    links: dict[str, str] = Field(
        default_factory=dict, description="Format (json, csv, html) to its path on insights' API."
    )
    recipients: list[str] = Field(default_factory=list, description="Team leads' e-mail addresses.")
    published_at: datetime


MODELS: tuple[type[EventData], ...] = (StaffingGapForecast, SlaAtRisk, ReportPublished)
