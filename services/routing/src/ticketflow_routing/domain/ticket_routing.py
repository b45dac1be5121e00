"""What routing shows of one ticket: its owner or queue place, and the decisions behind them."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field


class Owner(BaseModel):
    agent_id: UUID
    assigned_at: datetime
    reason: str
    pickup_due_at: datetime | None


class QueuePlace(BaseModel):
    team: str | None
    position: int


class Decision(BaseModel):
    kind: str
    agent_id: UUID | None
    strategy: str | None
    reason: str | None
    detail: dict[str, Any]
    decided_at: datetime


class TicketRouting(BaseModel):
    ticket_id: UUID
    status: str
    priority: str
    team: str | None
    language: str
    required_skills: list[str]
    version: int
    owner: Owner | None
    queued: QueuePlace | None
    decisions: list[Decision] = Field(description="Newest first.")
