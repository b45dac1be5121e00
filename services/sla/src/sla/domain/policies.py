"""SLA policies as the API shows and accepts them."""

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from ticketflow_common.events import Priority


class PolicyUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"position": 10, "priority": "urgent", "first_response_seconds": 600}]
        },
    )

    position: int = Field(ge=0, le=1_000_000)
    priority: Priority | None = None
    first_response_seconds: float = Field(gt=0, le=365 * 24 * 3600)


class Policy(PolicyUpdate):
    name: str
    updated_at: datetime


def first_response_due(*, started_at: datetime, target_seconds: float) -> datetime:
    """Round-the-clock deadline; business calendars come with the SLA issue."""
    return started_at + timedelta(seconds=target_seconds)
