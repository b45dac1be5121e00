"""A firing as people read it on a rule's or a ticket's page: the rule, why, what it asked."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field


class Firing(BaseModel):
    """One firing of a rule on a ticket (on an event, or when its time came)."""

    firing_id: UUID
    rule_id: UUID
    rule_version: int
    ticket_id: UUID
    trigger: Literal["event", "timer"]
    event_id: UUID | None = Field(description="The event that fired it (None: a timer).")
    event_type: str | None
    why: list[str] = Field(description="The conditions that held, as people read them.")
    actions: list[dict[str, Any]] = Field(description="The actions as rendered and requested.")
    depth: int = Field(description="Its place in a chain of rules (1: a person's event).")
    fired_at: datetime
