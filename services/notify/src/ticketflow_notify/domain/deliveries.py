"""Deliveries and their attempts as the delivery log shows them."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from ticketflow_common.input_model import InputModel

DeliveryStatus = Literal["pending", "delivered", "failed"]
Channel = Literal["webhook", "chat", "email"]


class Delivery(BaseModel):
    id: UUID
    channel: Channel
    target: str = Field(description="`endpoint:<id>` or `email:<address>`.")
    endpoint_id: UUID | None
    event_id: UUID
    event_type: str
    subject: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    held_until: datetime | None = Field(description="Held back by the recipient's quiet hours.")
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryAttempt(BaseModel):
    attempt: int
    started_at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None


class DeliveryDetail(Delivery):
    attempt_log: list[DeliveryAttempt]


class ReplayRange(InputModel):
    """Failed deliveries of one endpoint created in [since, until) are sent again."""

    since: datetime
    until: datetime

    @model_validator(mode="after")
    def _ordered(self) -> "ReplayRange":
        if self.until <= self.since:
            raise ValueError("until must be after since")
        return self


class Replayed(BaseModel):
    replayed: int
