"""SLA clocks as the API shows them."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

ClockState = Literal["running", "met", "breached", "cancelled"]


class ClockView(BaseModel):
    id: UUID
    ticket_id: UUID
    metric: str
    policy: str
    target_seconds: float
    started_at: datetime
    due_at: datetime
    state: ClockState
    seconds_remaining: float
